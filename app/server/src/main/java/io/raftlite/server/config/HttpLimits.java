package io.raftlite.server.config;

import java.time.Duration;

/**
 * How much the HTTP server lets its clients hold: bodies in flight, connections and time.
 *
 * @param bodyBudgetBytes request-body bytes in flight on all connections together (at least the max body size)
 * @param maxConnections  most open connections; 0 derives it from the open-file limit
 * @param idleTimeout     a connection with nothing read or written this long is closed
 * @param headerTimeout   a request head must arrive within this long of its first byte or of the connection
 */
public record HttpLimits(long bodyBudgetBytes, int maxConnections, Duration idleTimeout, Duration headerTimeout) {
}

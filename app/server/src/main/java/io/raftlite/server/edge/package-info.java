/**
 * The HTTP server's edge, below Micronaut: what a client may hold of a node before any controller runs.
 *
 * <p>{@link io.raftlite.server.edge.ConnectionGuard} is registered with Micronaut's Netty server. It counts
 * open connections and closes new ones past the cap (which leaves room in the open-file limit for the node's
 * own files and Raft sockets), and puts a {@link io.raftlite.server.edge.RequestGuard} behind every HTTP/1
 * connection's codec. That guard closes a connection whose request head does not arrive in time, refuses an
 * unknown {@code Content-Encoding} with 400, and reserves each body's size from the node's one
 * {@link io.raftlite.server.edge.BodyBudget} before Micronaut reads it: a body that does not fit gets 503 with
 * {@code Retry-After}, so the heap and direct memory that bodies take are bounded whatever the clients send.
 *
 * <p>Invariants: every reservation is released exactly once (when the request's final response is written or
 * the connection closes); a refused request never reaches Micronaut; log lines the edge writes are rate-limited
 * ({@link io.raftlite.server.edge.RateLimitedLog}), so an attack cannot flood the journal.
 */
package io.raftlite.server.edge;

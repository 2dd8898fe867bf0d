/**
 * The HTTP server's edge, below Micronaut: what a client may hold of a node before any controller runs.
 *
 * <p>{@link io.raftlite.server.edge.ConnectionGuard} is registered with Micronaut's Netty server. In front of the
 * listener's acceptor it counts open connections and stops accepting at the cap (new clients wait in the kernel's
 * listen backlog; the automatic cap leaves half of the open-file limit's remainder free, because a closed
 * connection's descriptor is released after its close is reported). Connections allocate from the heap, unpooled,
 * so a buffered body does not pin direct memory. Every HTTP/1 connection gets a
 * {@link io.raftlite.server.edge.RequestGuard} behind its codec: one deadline at a time (idle between requests,
 * the head from its first byte, the body since its last bytes, none while the node serves), 400 for an unknown
 * {@code Content-Encoding}, and each body's size reserved from the node's one
 * {@link io.raftlite.server.edge.BodyBudget} before Micronaut reads it: a body that does not fit gets 503 with
 * {@code Retry-After}, so the memory bodies take is bounded whatever the clients send. The same budget pays for
 * what a body's statements and parameters hold once parsed ({@link io.raftlite.server.edge.RequestCharge}, drawn
 * by the data API while it parses): 413 for a request that could never fit, 503 with {@code Retry-After} while
 * others hold it.
 *
 * <p>Invariants: every reservation is released exactly once (when the request's final response is written or
 * the connection closes); a refused request never reaches Micronaut; log lines the edge writes are rate-limited
 * ({@link io.raftlite.server.edge.RateLimitedLog}), so an attack cannot flood the journal.
 */
package io.raftlite.server.edge;

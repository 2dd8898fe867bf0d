/**
 * rqlite's HTTP API on Micronaut: {@code /db/execute}, {@code /db/query}, {@code /db/request},
 * {@code /db/backup}, {@code /db/load}, {@code /status}, {@code /nodes}, {@code /leader}, {@code /readyz}; and
 * raftlite's own {@code /db/watch} ({@link io.raftlite.server.http.WatchApi}, docs/watch.md).
 *
 * <p>Controllers are thin: they hand raw bytes and query parameters to {@link io.raftlite.server.http.DataApi},
 * which is plain Java written against the small {@link io.raftlite.server.http.DataStore} interface, so its
 * behaviour is testable with a fake store. All database work runs on the blocking executor, never on the
 * Netty event loop; a waiting {@code /db/watch} holds no thread at all (a future the apply thread completes).
 *
 * <p>Invariants: a client mistake is a 4xx with a short plain-text reason (or rqlite's 200 with
 * {@code error} where rqlite does that); a 5xx only ever means a bug of ours; a refused request changes
 * nothing.
 */
package io.raftlite.server.http;

/**
 * {@code -auth}: HTTP Basic authentication and rqlite's per-endpoint permissions in front of every controller
 * ({@link io.raftlite.server.auth.AuthFilter}), and the request log line that names who asked.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Without {@code -auth} every request passes untouched, as before (rqlite without {@code -auth}).</li>
 *   <li>With it, a request is refused (401 with {@code WWW-Authenticate: Basic realm="raftlite"}, or 403)
 *       before its route runs: no body is bound, nothing is read, written or forwarded. The node that
 *       received the HTTP request decides; what it then forwards to the leader travels on the Raft port
 *       (authenticated by node TLS) and can only be what the caller was allowed here, so a follower never
 *       widens a permission. {@code OPTIONS} (CORS preflight) is answered as without auth.</li>
 *   <li>A path served by a route that has no rule needs {@code all}: a new endpoint is closed until a rule
 *       names its permission.</li>
 *   <li>bcrypt checks (tens of ms) run on one thread of their own with a short queue, never on the event
 *       loop; a full queue is 503 with Retry-After. A client that keeps sending the same credentials pays
 *       one check.</li>
 *   <li>Log lines name the user (only once authenticated), the method and the path, never the query string
 *       (it may hold SQL values), a password or an {@code Authorization} header.</li>
 * </ul>
 */
package io.raftlite.server.auth;

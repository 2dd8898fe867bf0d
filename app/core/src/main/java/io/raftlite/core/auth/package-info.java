/**
 * HTTP API authentication and authorization with rqlite's {@code -auth} file: a JSON array of
 * {@code {"username", "password", "perms"}}, the {@code *} user for everyone (anonymous included), and
 * rqlite's permission names and per-endpoint rules ({@link io.raftlite.core.auth.EndpointPermissions}).
 * Beyond rqlite, a password may be stored as a bcrypt hash ({@code $2a$}, {@code $2b$}, {@code $2y$}),
 * checked with BouncyCastle's {@code OpenBSDBCrypt}.
 *
 * <p>Invariants:
 * <ul>
 *   <li>A password, plaintext or hashed, never leaves this package: no message, exception, {@code toString}
 *       or log line holds one; only user names are ever reported.</li>
 *   <li>Plaintext passwords are compared in constant time (SHA-256 digests of both, compared with
 *       {@link java.security.MessageDigest#isEqual}), so neither content nor length leaks through timing.</li>
 *   <li>A bcrypt check (tens of milliseconds) is made once per user and password: a password that matched
 *       is remembered as an HMAC under a key made at start and held only in memory, so later requests cost
 *       microseconds; {@link io.raftlite.core.auth.CredentialStore#isQuick} tells a caller when a check
 *       would be slow, so it can run it off the event loop.</li>
 *   <li>The user {@code *} never authenticates: it only grants permissions to everyone. Credentials that
 *       were sent and are wrong are refused even where {@code *} would have been enough (rqlite lets them
 *       pass), so a client with a stale password finds out.</li>
 *   <li>The file is read once at start; a malformed file, a named user without a password or a malformed
 *       bcrypt hash stops the node with one line that names the file and the entry, never its password.</li>
 * </ul>
 */
package io.raftlite.core.auth;

/**
 * Plain-Java TLS material shared by the Raft port, the HTTP API and the {@code raftlite tls} commands: a small
 * CA that issues node and client certificates, PEM reading, and key and trust managers that follow their files.
 *
 * <p>Invariants:
 * <ul>
 *   <li>A node certificate names its node id as the SAN URI {@code urn:raftlite:node:<id>}, and
 *       {@link io.raftlite.core.tls.NodeIdentity} is the one place that reads it back; a certificate naming two
 *       different ids names none.</li>
 *   <li>Private key bytes never reach a message, a log line or an exception cause: key errors are one line
 *       that names the file and the reason.</li>
 *   <li>A private key file that group or others may read or write is refused, as ssh refuses one; key files
 *       this package writes are created 0600 before a byte is written, and replaced atomically.</li>
 *   <li>The reloading managers always serve a complete, consistent pair: a new file that does not parse, or a
 *       certificate whose key is not (yet) the one beside it, keeps the previous material and logs one WARN
 *       line per change of the files.</li>
 *   <li>Only BouncyCastle's public API and the JDK's standard security API are used (no {@code sun.*}); no
 *       security provider is registered globally.</li>
 * </ul>
 */
package io.raftlite.core.tls;

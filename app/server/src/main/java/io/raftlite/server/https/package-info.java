/**
 * HTTPS for the HTTP API ({@code -http-cert}, {@code -http-key}, {@code -http-ca-cert}, {@code -http-verify-client}).
 *
 * <p>{@link io.raftlite.server.https.HttpsContext} reads the PEM files once at start (a bad or missing file, or a
 * key others may read, stops the node with a one-line reason before anything else starts) into the reloading key
 * and trust managers of {@code io.raftlite.core.tls}, and builds one Netty {@code SslContext} over them.
 * {@link io.raftlite.server.https.ReloadingSslBuilder} hands that context to Micronaut's Netty server in place of
 * its key-store based builder, so the server asks the key manager for the certificate at every handshake: a
 * certificate, key or CA replaced on disk is served from the next new connection on, without a restart.
 * {@link io.raftlite.server.https.PlainHttpRefusal} answers a plain-HTTP request on the HTTPS port with a 400
 * (Go's text, as rqlite answers) instead of a reset.
 *
 * <p>Invariants: with TLS on there is exactly one listener, on {@code -http-addr}, and it speaks only TLS 1.2 or
 * 1.3; client certificates are requested only with {@code -http-verify-client}, and then required; no private key
 * material is ever logged or put in an error text.
 */
package io.raftlite.server.https;

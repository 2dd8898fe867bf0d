package io.raftlite.core.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS on the Raft port (rqlite's {@code -node-*} flags): every Ratis gRPC service this node serves (server,
 * client, admin) and every connection it opens to another node use it. Certificate, key and CA files are
 * re-read when they change, so a rotation needs no restart.
 *
 * @param certFile         this node's certificate chain (PEM); served to peers and presented as a client
 * @param keyFile          its private key (PEM, mode 0600)
 * @param caFile           the CA bundle peers' certificates must chain to; may be null only with {@code noVerify}
 * @param verifyClient     mutual TLS: a caller without a certificate signed by the CA is refused at the handshake
 * @param verifyServerName the name a peer's certificate must carry (DNS or IP SAN); null: the host dialed
 * @param noVerify         accept any peer certificate (no CA, no name check): encryption without authentication
 */
public record TlsConfig(Path certFile, Path keyFile, Path caFile, boolean verifyClient, String verifyServerName,
                        boolean noVerify) {

    public TlsConfig {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        if (caFile == null && !noVerify) {
            throw new IllegalArgumentException("a CA file is needed unless peer verification is off");
        }
        verifyServerName = verifyServerName == null || verifyServerName.isBlank() ? null : verifyServerName.trim();
    }

    /** Mutual TLS with the host dialed checked against the peer's certificate: what {@code -node-cert} gives. */
    public static TlsConfig mutual(Path certFile, Path keyFile, Path caFile) {
        return new TlsConfig(certFile, keyFile, caFile, true, null, false);
    }
}

package io.raftlite.core.store;

import io.raftlite.core.tls.CertificateAuthority;
import io.raftlite.core.tls.IssuedCertificate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A CA for tests ({@link CertificateAuthority}) that writes node certificates for loopback addresses. */
final class TestPki {

    private static final Duration VALIDITY = Duration.ofDays(1);
    private final CertificateAuthority ca;

    private TestPki(CertificateAuthority ca) {
        this.ca = ca;
    }

    static TestPki create(String name) {
        return new TestPki(CertificateAuthority.create(name, VALIDITY));
    }

    /** A node's files: its certificate, its key and the CA certificate. */
    record NodeFiles(Path cert, Path key, Path ca) {
        TlsConfig tls() {
            return TlsConfig.mutual(cert, key, ca);
        }
    }

    /** Writes (or replaces) node {@code nodeId}'s certificate for {@code host} and key, and the CA certificate. */
    NodeFiles issue(Path dir, String nodeId, String host) throws IOException {
        Files.createDirectories(dir);
        NodeFiles f = new NodeFiles(dir.resolve(nodeId + ".crt"), dir.resolve(nodeId + ".key"), dir.resolve("ca.crt"));
        ca.writeTo(f.ca(), dir.resolve("ca.key"));
        issued(nodeId, host).writeTo(f.cert(), f.key());
        return f;
    }

    /** A client certificate (no node id) and its key, with the CA certificate. */
    NodeFiles issueClient(Path dir, String name) throws IOException {
        NodeFiles f = new NodeFiles(dir.resolve(name + ".crt"), dir.resolve(name + ".key"), dir.resolve("ca.crt"));
        ca.writeTo(f.ca(), dir.resolve("ca.key"));
        ca.issueClient(name, VALIDITY).writeTo(f.cert(), f.key());
        return f;
    }

    IssuedCertificate issued(String nodeId, String host) {
        return ca.issueNode(nodeId, List.of(host), VALIDITY);
    }
}

package io.raftlite.core.store;

import io.raftlite.core.tls.CertificateAuthority;
import io.raftlite.core.tls.ReloadingTrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A peer's certificate must chain to the CA and name the host dialed, or -node-verify-server-name's name. */
class PeerTrustTest {

    @TempDir
    Path tmp;

    @Test
    void theHostDialedOrTheConfiguredNameMustBeInTheCertificate() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("peer-ca", Duration.ofDays(1));
        ca.writeTo(tmp.resolve("ca.crt"), tmp.resolve("ca.key"));
        X509Certificate cert = ca.issueNode("n1", List.of("127.0.16.1", "raft.internal", "*.nodes.example"),
                Duration.ofDays(1)).certificate();
        X509Certificate[] chain = {cert, ca.certificate()};

        assertTrue(PeerTrust.names(cert, "127.0.16.1"));
        assertTrue(PeerTrust.names(cert, "RAFT.internal"));
        assertTrue(PeerTrust.names(cert, "n7.nodes.example"));
        assertFalse(PeerTrust.names(cert, "a.b.nodes.example"), "a wildcard covers one label");
        assertFalse(PeerTrust.names(cert, "127.0.16.2"));
        assertFalse(PeerTrust.names(cert, "127.0.16.1.nip.io"));

        PeerTrust byName = new PeerTrust(new ReloadingTrustManager(tmp.resolve("ca.crt")), "raft.internal");
        assertDoesNotThrow(() -> byName.checkServerTrusted(chain, "ECDHE_ECDSA"));
        PeerTrust wrongName = new PeerTrust(new ReloadingTrustManager(tmp.resolve("ca.crt")), "db.internal");
        assertThrows(CertificateException.class, () -> wrongName.checkServerTrusted(chain, "ECDHE_ECDSA"));

        CertificateAuthority other = CertificateAuthority.create("peer-ca", Duration.ofDays(1));
        X509Certificate forged = other.issueNode("n1", List.of("raft.internal"), Duration.ofDays(1)).certificate();
        assertThrows(CertificateException.class,
                () -> byName.checkServerTrusted(new X509Certificate[]{forged, other.certificate()}, "ECDHE_ECDSA"));
        assertThrows(CertificateException.class,
                () -> byName.checkClientTrusted(new X509Certificate[]{forged, other.certificate()}, "ECDHE_ECDSA"));
    }
}

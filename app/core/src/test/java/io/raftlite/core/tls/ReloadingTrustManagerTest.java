package io.raftlite.core.tls;

import static io.raftlite.core.tls.ReloadingKeyManagerTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadingTrustManagerTest {

    private static final Duration DAY = Duration.ofDays(1);

    @TempDir
    Path dir;

    @Test
    void trustsOnlyTheBundleAndFollowsItWhenItChanges() throws Exception {
        CertificateAuthority oldCa = CertificateAuthority.create("old", DAY);
        CertificateAuthority newCa = CertificateAuthority.create("new", DAY);
        Path bundle = dir.resolve("ca.pem");
        PemFiles.writeCertificates(bundle, List.of(oldCa.certificate()));
        ReloadingTrustManager tm = new ReloadingTrustManager(bundle, Duration.ofMillis(10));
        X509Certificate[] oldNode = {oldCa.issueNode("n1", List.of("127.0.13.1"), DAY).certificate()};
        X509Certificate[] newNode = {newCa.issueNode("n2", List.of("127.0.13.2"), DAY).certificate()};

        tm.checkClientTrusted(oldNode, "UNKNOWN");
        assertThrows(CertificateException.class, () -> tm.checkClientTrusted(newNode, "UNKNOWN"));

        // a CA rotation: both CAs trusted for a while
        PemFiles.writeCertificates(bundle, List.of(oldCa.certificate(), newCa.certificate()));
        awaitTrue(() -> accepts(tm, newNode));
        tm.checkClientTrusted(oldNode, "UNKNOWN");
        assertEquals(2, tm.getAcceptedIssuers().length);

        Files.writeString(bundle, "garbage\n");
        awaitTrue(() -> accepts(tm, newNode) && tm.failedReloads() == 1);
        tm.checkClientTrusted(newNode, "UNKNOWN");
    }

    @Test
    void aClientCertificateIsNotAcceptedAsAServers() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("ca", DAY);
        Path bundle = dir.resolve("ca.pem");
        PemFiles.writeCertificates(bundle, List.of(ca.certificate()));
        ReloadingTrustManager tm = new ReloadingTrustManager(bundle);
        X509Certificate[] client = {ca.issueClient("app", DAY).certificate()};
        tm.checkClientTrusted(client, "UNKNOWN");
        assertThrows(CertificateException.class, () -> tm.checkServerTrusted(client, "ECDHE_ECDSA"));
    }

    @Test
    void failsAtStartWithoutACertificate() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertThrows(IOException.class, () -> new ReloadingTrustManager(empty));
    }

    private static boolean accepts(ReloadingTrustManager tm, X509Certificate[] chain) {
        try {
            tm.checkClientTrusted(chain, "UNKNOWN");
            return true;
        } catch (CertificateException e) {
            return false;
        }
    }
}

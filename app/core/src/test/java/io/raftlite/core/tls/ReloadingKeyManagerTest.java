package io.raftlite.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadingKeyManagerTest {

    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration CHECK = Duration.ofMillis(10);

    @TempDir
    Path dir;

    private final CertificateAuthority ca = CertificateAuthority.create("ca", DAY);
    private Path cert;
    private Path key;

    @BeforeEach
    void paths() {
        cert = dir.resolve("n1.pem");
        key = dir.resolve("n1-key.pem");
    }

    @Test
    void servesTheNewCertificateAfterTheFilesChange() throws Exception {
        IssuedCertificate first = ca.issueNode("n1", List.of("127.0.13.1"), DAY);
        first.writeTo(cert, key);
        ReloadingKeyManager km = new ReloadingKeyManager(cert, key, CHECK);
        assertEquals(first.certificate(), served(km));

        IssuedCertificate second = ca.issueNode("n1", List.of("127.0.13.1"), DAY);
        second.writeTo(cert, key);
        awaitTrue(() -> second.certificate().equals(served(km)));
        String alias = km.chooseEngineServerAlias("EC", null, null);
        assertEquals(second.key(), km.getPrivateKey(alias));
    }

    @Test
    void keepsTheOldPairWhileTheNewFilesAreBrokenOrDoNotMatch() throws Exception {
        IssuedCertificate first = ca.issueNode("n1", List.of("127.0.13.1"), DAY);
        first.writeTo(cert, key);
        ReloadingKeyManager km = new ReloadingKeyManager(cert, key, CHECK);

        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\ntruncated");
        awaitTrue(() -> served(km) != null && km.failedReloads() == 1);
        assertEquals(first.certificate(), served(km));

        // a rotation that replaces the certificate before the key: the half-done pair is not served
        IssuedCertificate second = ca.issueNode("n1", List.of("127.0.13.1"), DAY);
        Path elsewhere = dir.resolve("next-key.pem");
        second.writeTo(cert, elsewhere);
        awaitTrue(() -> served(km) != null && km.failedReloads() == 2);
        assertEquals(first.certificate(), served(km));

        Files.move(elsewhere, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        awaitTrue(() -> second.certificate().equals(served(km)));
    }

    @Test
    void aHandshakeThatChoseTheOldPairStillGetsItsKeyAfterAReload() throws Exception {
        IssuedCertificate first = ca.issueNode("n1", List.of("127.0.13.1"), DAY);
        first.writeTo(cert, key);
        ReloadingKeyManager km = new ReloadingKeyManager(cert, key, CHECK);
        String oldAlias = km.chooseEngineServerAlias("EC", null, null);

        ca.issueNode("n1", List.of("127.0.13.1"), DAY).writeTo(cert, key);
        awaitTrue(() -> !first.certificate().equals(served(km)));
        assertEquals(first.key(), km.getPrivateKey(oldAlias));
        assertEquals(first.certificate(), km.getCertificateChain(oldAlias)[0]);
    }

    @Test
    void offersNoAliasForAnotherKeyTypeAndFailsAtStartOnBadFiles() throws Exception {
        ca.issueNode("n1", List.of("127.0.13.1"), DAY).writeTo(cert, key);
        ReloadingKeyManager km = new ReloadingKeyManager(cert, key);
        assertNull(km.chooseEngineServerAlias("RSA", null, null));
        assertNotNull(km.chooseClientAlias(new String[] {"RSA", "EC"}, null, null));

        IOException e = assertThrows(IOException.class, () -> new ReloadingKeyManager(cert, dir.resolve("none")));
        assertTrue(e.getMessage().contains("none"), e.getMessage());
    }

    private static X509Certificate served(ReloadingKeyManager km) {
        String alias = km.chooseEngineServerAlias("EC", null, null);
        X509Certificate[] chain = km.getCertificateChain(alias);
        return chain == null ? null : chain[0];
    }

    static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not met within 10 s");
            }
            LockSupport.parkNanos(Duration.ofMillis(2).toNanos()); // a poll interval, not the wait itself
        }
    }
}

package io.raftlite.server.https;

import io.raftlite.core.tls.CertificateAuthority;
import io.raftlite.server.config.HttpTlsSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpsContextTest {

    @TempDir
    Path tmp;

    private Path cert;
    private Path key;
    private Path ca;

    private void files() throws Exception {
        CertificateAuthority authority = CertificateAuthority.create("test CA", Duration.ofDays(1));
        ca = tmp.resolve("ca.pem");
        authority.writeTo(ca, tmp.resolve("ca-key.pem"));
        cert = tmp.resolve("n1.pem");
        key = tmp.resolve("n1-key.pem");
        authority.issueNode("n1", List.of("127.0.0.1"), Duration.ofDays(1)).writeTo(cert, key);
    }

    private String refusal(HttpTlsSettings settings) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> HttpsContext.load(settings));
        assertTrue(!e.getMessage().contains("\n") && !e.getMessage().contains("PRIVATE KEY"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void goodFilesMakeAServerContextForTls12And13Only() throws Exception {
        files();
        HttpsContext plain = HttpsContext.load(new HttpTlsSettings(cert, key, null, false));
        assertTrue(plain.sslContext().isServer());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), HttpsContext.PROTOCOLS);
        assertNotNull(HttpsContext.load(new HttpTlsSettings(cert, key, ca, true)).sslContext());
    }

    @Test
    void badFilesAreOneLineReasonsNamingTheFlagAndTheFile() throws Exception {
        files();
        assertTrue(refusal(new HttpTlsSettings(tmp.resolve("none.pem"), key, null, false))
                .startsWith("-http-cert/-http-key: " + tmp.resolve("none.pem")));
        assertTrue(refusal(new HttpTlsSettings(cert, ca, null, false)).startsWith("-http-cert/-http-key: " + ca));
        assertTrue(refusal(new HttpTlsSettings(cert, key, key, true)).startsWith("-http-ca-cert: " + key));
        // a CA path is read even without -http-verify-client: a typo shows at start, not when mTLS is turned on
        assertTrue(refusal(new HttpTlsSettings(cert, key, tmp.resolve("typo.pem"), false)).startsWith("-http-ca-cert: "));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(refusal(new HttpTlsSettings(cert, key, null, false)).contains("chmod 600"));
    }
}

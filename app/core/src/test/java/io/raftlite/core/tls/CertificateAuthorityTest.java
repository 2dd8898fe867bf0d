package io.raftlite.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

    private static final Duration DAY = Duration.ofDays(1);
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir
    Path dir;

    @Test
    void nodeCertificateNamesItsIdHostsAndUsagesAndChainsToTheCa() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("raftlite test CA", DAY);
        IssuedCertificate node = ca.issueNode("n1", List.of("node1.example.org", "127.0.13.5", "[::1]"), DAY);
        X509Certificate cert = node.certificate();

        assertEquals("CN=n1", cert.getSubjectX500Principal().getName());
        assertEquals(Set.of(List.of(6, "urn:raftlite:node:n1"), List.of(2, "node1.example.org"),
                List.of(7, "127.0.13.5"), List.of(7, "0:0:0:0:0:0:0:1")), sans(cert));
        assertEquals(List.of(SERVER_AUTH, CLIENT_AUTH), cert.getExtendedKeyUsage());
        assertEquals(-1, cert.getBasicConstraints(), "a node certificate must not be a CA");
        assertEquals(Optional.of("n1"), NodeIdentity.of(cert));
        validate(cert, ca.certificate());
    }

    @Test
    void certificateFromAnotherCaFailsPkixValidation() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("ours", DAY);
        CertificateAuthority other = CertificateAuthority.create("ours", DAY);
        X509Certificate stranger = other.issueNode("n1", List.of("127.0.13.5"), DAY).certificate();
        assertThrows(CertPathValidatorException.class, () -> validate(stranger, ca.certificate()));
    }

    @Test
    void clientCertificateIsForClientsOnlyAndNamesNoNode() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("ca", DAY);
        X509Certificate cert = ca.issueClient("ops-alice", DAY).certificate();
        assertEquals("CN=ops-alice", cert.getSubjectX500Principal().getName());
        assertEquals(List.of(CLIENT_AUTH), cert.getExtendedKeyUsage());
        assertEquals(Optional.empty(), NodeIdentity.of(cert));
        validate(cert, ca.certificate());
    }

    @Test
    void badHostsAndNodeIdsAreRefusedWithTheValueNamed() {
        CertificateAuthority ca = CertificateAuthority.create("ca", DAY);
        IllegalArgumentException host = assertThrows(IllegalArgumentException.class,
                () -> ca.issueNode("n1", List.of("no spaces.example"), DAY));
        assertTrue(host.getMessage().contains("'no spaces.example'"), host.getMessage());
        IllegalArgumentException id = assertThrows(IllegalArgumentException.class,
                () -> ca.issueNode("n1/../x", List.of("127.0.13.5"), DAY));
        assertTrue(id.getMessage().contains("'n1/../x'"), id.getMessage());
    }

    @Test
    void writtenCaLoadsBackWithPrivateKeyModeAndIssuesValidCertificates() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("ca", DAY);
        Path cert = dir.resolve("ca.pem");
        Path key = dir.resolve("ca-key.pem");
        ca.writeTo(cert, key);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(cert)));
        CertificateAuthority loaded = CertificateAuthority.load(cert, key);
        assertEquals(ca.certificate(), loaded.certificate());
        validate(loaded.issueNode("n2", List.of("localhost"), DAY).certificate(), ca.certificate());
    }

    @Test
    void loadRefusesAKeyThatIsNotTheCertificates() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("ca", DAY);
        ca.writeTo(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
        CertificateAuthority.create("other", DAY).writeTo(dir.resolve("o.pem"), dir.resolve("o-key.pem"));
        Exception e = assertThrows(java.io.IOException.class,
                () -> CertificateAuthority.load(dir.resolve("ca.pem"), dir.resolve("o-key.pem")));
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
    }

    @Test
    void anIssuedCertificatePrintsNoKeyMaterial() {
        IssuedCertificate issued = CertificateAuthority.create("ca", DAY).issueNode("n1", List.of("localhost"), DAY);
        String secret = ((java.security.interfaces.ECPrivateKey) issued.key()).getS().toString(16);
        String printed = issued.toString();
        assertFalse(printed.contains(secret) || printed.toLowerCase(java.util.Locale.ROOT).contains("private"),
                printed);
        assertTrue(printed.contains("CN=n1"), printed);
    }

    static void validate(X509Certificate cert, X509Certificate anchor) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), params);
    }

    private static Set<List<?>> sans(X509Certificate cert) throws Exception {
        return new HashSet<>(cert.getSubjectAlternativeNames());
    }
}

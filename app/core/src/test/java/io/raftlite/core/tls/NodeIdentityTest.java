package io.raftlite.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class NodeIdentityTest {

    @Test
    void readsTheIdTheCaWrote() {
        X509Certificate cert = CertificateAuthority.create("ca", Duration.ofDays(1))
                .issueNode("10.0.0.11:4002", List.of("10.0.0.11"), Duration.ofDays(1)).certificate();
        assertEquals(Optional.of("10.0.0.11:4002"), NodeIdentity.of(cert));
    }

    @Test
    void aCertificateNamingTwoNodesOrABadIdOrNoneNamesNone() throws Exception {
        assertEquals(Optional.empty(), NodeIdentity.of(withUris("urn:raftlite:node:n1", "urn:raftlite:node:n2")));
        assertEquals(Optional.of("n1"), NodeIdentity.of(withUris("urn:raftlite:node:n1", "urn:raftlite:node:n1")));
        assertEquals(Optional.empty(), NodeIdentity.of(withUris("urn:raftlite:node:../n1")));
        assertEquals(Optional.empty(), NodeIdentity.of(withUris("urn:raftlite:node:")));
        assertEquals(Optional.empty(), NodeIdentity.of(withUris("spiffe://example.org/n1")));
        assertEquals(Optional.empty(), NodeIdentity.of(withUris()));
        assertFalse(NodeIdentity.isValid("a/b"));
    }

    /** A self-signed certificate whose only SANs are these URIs (none: no SAN extension at all). */
    private static X509Certificate withUris(String... uris) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        KeyPair pair = gen.generateKeyPair();
        X500Name name = new X500Name("CN=test");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(Instant.now()), Date.from(Instant.now().plusSeconds(3600)), name, pair.getPublic());
        if (uris.length > 0) {
            GeneralName[] names = new GeneralName[uris.length];
            for (int i = 0; i < uris.length; i++) {
                names[i] = new GeneralName(GeneralName.uniformResourceIdentifier, uris[i]);
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }
}

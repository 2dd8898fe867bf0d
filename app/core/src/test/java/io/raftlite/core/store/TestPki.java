package io.raftlite.core.store;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/** A throw-away CA for tests: node certificates for loopback addresses, written as PEM files. */
final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());
    private final KeyPair key;
    private final X509Certificate cert;

    private TestPki(KeyPair key, X509Certificate cert) {
        this.key = key;
        this.cert = cert;
    }

    static TestPki create(String name) throws Exception {
        KeyPair k = keyPair();
        X500Name subject = new X500Name("CN=" + name);
        JcaX509v3CertificateBuilder b = builder(subject, subject, k);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        return new TestPki(k, sign(b, k));
    }

    /** The files a node needs; {@code name} is the node id and {@code ip} the address peers dial. */
    record Files3(Path cert, Path key, Path ca) {
        TlsConfig tls() {
            return TlsConfig.mutual(cert, key, ca);
        }
    }

    Files3 issue(Path dir, String name, String ip) throws Exception {
        KeyPair k = keyPair();
        JcaX509v3CertificateBuilder b = builder(new X500Name("CN=" + cert.getSubjectX500Principal().getName()
                .substring(3)), new X500Name("CN=" + name), k);
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                new GeneralName(GeneralName.iPAddress, ip),
                new GeneralName(GeneralName.uniformResourceIdentifier, "urn:raftlite:node:" + name)}));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[]{
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        X509Certificate leaf = sign(b, key);
        Files.createDirectories(dir);
        Files3 f = new Files3(dir.resolve(name + ".crt"), dir.resolve(name + ".key"), dir.resolve("ca.crt"));
        write(f.cert(), pem(leaf));
        write(f.ca(), pem(cert));
        write(f.key(), "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, new byte[]{'\n'})
                .encodeToString(k.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(f.key(), PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private static void write(Path p, String text) throws Exception {
        Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String pem(Object o) throws Exception {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        }
        return s.toString();
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair k) {
        long now = System.currentTimeMillis();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                new Date(now - 60_000), new Date(now + 86_400_000L), subject, k.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }
}

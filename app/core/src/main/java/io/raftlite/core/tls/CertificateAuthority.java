package io.raftlite.core.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * An in-memory CA (EC P-256, SHA256withECDSA) that issues raftlite's node and client certificates.
 *
 * <p>Certificates start one minute in the past so that a host whose clock is slightly behind accepts a
 * certificate made a moment ago elsewhere.
 */
public final class CertificateAuthority {

    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Duration BACKDATE = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A new CA with a self-signed certificate named {@code CN=commonName}, valid for {@code validity}. */
    public static CertificateAuthority create(String commonName, Duration validity) {
        requireName(commonName, "CA name");
        KeyPair pair = newKeyPair();
        X500Name name = cn(commonName);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(name, name, pair.getPublic(), validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot build a CA certificate", e);
        }
    }

    /** Loads a CA from its certificate and key files (the key file is checked as ssh checks one). */
    public static CertificateAuthority load(Path caCertPem, Path caKeyPem) throws IOException {
        X509Certificate cert = PemFiles.readCertificates(caCertPem).get(0);
        PrivateKey key = PemFiles.readPrivateKey(caKeyPem);
        if (cert.getBasicConstraints() < 0) {
            throw new IOException(caCertPem + ": not a CA certificate (no basicConstraints CA:true)");
        }
        if (!KeyPairs.matches(cert.getPublicKey(), key)) {
            throw new IOException(caKeyPem + ": this key does not belong to the certificate in " + caCertPem);
        }
        return new CertificateAuthority(cert, key);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** Writes the CA certificate (mode 0644) and key (mode 0600). */
    public void writeTo(Path certPem, Path keyPem) throws IOException {
        new IssuedCertificate(certificate, key).writeTo(certPem, keyPem);
    }

    /**
     * Node certificate: CN=nodeId, SAN URI {@code urn:raftlite:node:<nodeId>}, SAN DNS/IP per host (an IP
     * literal becomes an iPAddress SAN, anything else a dNSName), EKU serverAuth+clientAuth, signed by this CA.
     */
    public IssuedCertificate issueNode(String nodeId, List<String> hosts, Duration validity) {
        NodeIdentity.requireValid(nodeId);
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.uniformResourceIdentifier, NodeIdentity.uri(nodeId)));
        for (String host : hosts) {
            names.add(hostName(host));
        }
        return issue(nodeId, validity, names,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    }

    /** Client certificate for an operator or app: CN=name, EKU clientAuth. */
    public IssuedCertificate issueClient(String name, Duration validity) {
        requireName(name, "client name");
        return issue(name, validity, List.of(), new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    }

    private IssuedCertificate issue(String cn, Duration validity, List<GeneralName> sans, ExtendedKeyUsage eku) {
        KeyPair pair = newKeyPair();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = builder(issuer, cn(cn), pair.getPublic(), validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, eku)
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(certificate));
            if (!sans.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            return new IssuedCertificate(sign(builder, key), pair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate", e);
        }
    }

    /**
     * Checks that {@link #issueNode} can name {@code host}: an IP literal (brackets allowed around IPv6) or a DNS
     * name (a leading {@code *.} allowed).
     *
     * @throws IllegalArgumentException naming the host, if it is neither
     */
    public static void checkHost(String host) {
        hostName(host);
    }

    /** An IP literal (brackets allowed around IPv6) becomes an iPAddress SAN; a host name a dNSName. */
    static GeneralName hostName(String host) {
        String h = Objects.requireNonNull(host, "host").trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (IPAddress.isValid(h)) {
            return new GeneralName(GeneralName.iPAddress, h);
        }
        if (!h.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\\.?")
                || h.length() > 253) {
            throw new IllegalArgumentException("'" + host + "' is neither an IP address nor a DNS name");
        }
        return new GeneralName(GeneralName.dNSName, h);
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key,
                                                    Duration validity) {
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive: " + validity);
        }
        Instant now = Instant.now();
        BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
        return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minus(BACKDATE)),
                Date.from(now.plus(validity)), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with " + SIGNATURE, e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make EC P-256 keys", e);
        }
    }

    private static X500Name cn(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static void requireName(String name, String what) {
        if (name == null || name.isBlank() || name.length() > 64) {
            throw new IllegalArgumentException(what + " must be 1-64 characters");
        }
    }
}

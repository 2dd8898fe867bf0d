package io.raftlite.core.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate and its private key, as the CA issued them.
 *
 * @param certificate the signed certificate
 * @param key its private key
 */
public record IssuedCertificate(X509Certificate certificate, PrivateKey key) {

    public IssuedCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
    }

    /** Writes the certificate (PEM, mode 0644) and the key (PKCS#8 PEM, mode 0600), each replaced atomically. */
    public void writeTo(Path certPem, Path keyPem) throws IOException {
        PemFiles.writeKey(keyPem, key);
        PemFiles.writeCertificates(certPem, List.of(certificate));
    }

    /** The key and certificate never print (a record's default toString would print the key's encoding). */
    @Override
    public String toString() {
        return "IssuedCertificate[" + certificate.getSubjectX500Principal().getName() + "]";
    }
}

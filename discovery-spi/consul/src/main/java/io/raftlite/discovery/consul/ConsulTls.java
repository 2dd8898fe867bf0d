package io.raftlite.discovery.consul;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

/**
 * Turns rqlite's {@code tls_config} (PEM files, {@code insecure_skip_verify}) into what consul-client takes:
 * an {@link SSLContext}, its trust manager and, when verification is off, a host-name verifier that accepts
 * any name. Keys must be PKCS#8 PEM ({@code BEGIN PRIVATE KEY}); the JDK reads no other PEM key form.
 */
final class ConsulTls {

    /** What {@code Consul.builder()} is given. */
    record Wiring(SSLContext context, X509TrustManager trust, HostnameVerifier verifier) {
    }

    private ConsulTls() {
    }

    /** @throws IllegalArgumentException naming the file setting that cannot be used */
    static Wiring of(ConsulSettings.Tls tls) {
        try {
            X509TrustManager trust = tls.insecureSkipVerify() ? new TrustAll() : trustManager(tls.caFile());
            KeyManagerFactory keys = null;
            if (tls.certFile() != null) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                Certificate[] chain = certificates(tls.certFile(), "tls_config.cert_file").toArray(new Certificate[0]);
                store.setKeyEntry("client", privateKey(tls.keyFile()), new char[0], chain);
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), new TrustManager[]{trust}, null);
            return new Wiring(context, trust, tls.insecureSkipVerify() ? (host, session) -> true : null);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("consul-kv setting 'tls_config' cannot be used: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager trustManager(String caFile) throws GeneralSecurityException, IOException {
        KeyStore store = null;
        if (caFile != null) {
            store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certificates(caFile, "tls_config.ca_file")) {
                store.setCertificateEntry("ca-" + i++, c);
            }
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        for (TrustManager t : f.getTrustManagers()) {
            if (t instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager in this JDK");
    }

    private static Collection<? extends Certificate> certificates(String file, String setting)
            throws GeneralSecurityException {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("consul-kv setting '" + setting + "': no certificate in " + file);
            }
            return certs;
        } catch (IOException e) {
            throw new IllegalArgumentException("consul-kv setting '" + setting + "': cannot read " + file + ": " + e, e);
        }
    }

    private static PrivateKey privateKey(String file) throws GeneralSecurityException {
        String pem;
        try {
            pem = Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("consul-kv setting 'tls_config.key_file': cannot read " + file + ": " + e, e);
        }
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("consul-kv setting 'tls_config.key_file': " + file + " is not a PKCS#8 PEM "
                    + "key (BEGIN PRIVATE KEY); convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key8.pem");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
        GeneralSecurityException last = null;
        for (String algorithm : new String[]{"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    /** {@code insecure_skip_verify}: any certificate is accepted, as Go's crypto/tls does with that switch. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}

package io.raftlite.core.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust manager over a CA bundle PEM, reloaded when the file changes (checked at most once a second, on use; a
 * bad new bundle keeps the old one and logs one WARN line).
 *
 * <p>Validation is the JDK's PKIX trust manager over the bundle's certificates as the only anchors: chain, dates,
 * key and extended key usage, and host name when the caller's SSL parameters ask for endpoint identification.
 */
public final class ReloadingTrustManager extends X509ExtendedTrustManager {

    private final ReloadingFiles<X509ExtendedTrustManager> delegate;

    /** Loads the bundle now; fails at start on a missing file or one without a certificate. */
    public ReloadingTrustManager(Path caPem) throws IOException {
        this(caPem, Duration.ofSeconds(1));
    }

    ReloadingTrustManager(Path caPem, Duration checkInterval) throws IOException {
        this.delegate = new ReloadingFiles<>("CA bundle", List.of(caPem), checkInterval, () -> load(caPem));
    }

    /** An insecure variant for -node-no-verify and the like: accepts any chain (the caller logs the warning). */
    public static X509ExtendedTrustManager acceptingAny() {
        return new AcceptingAny();
    }

    private static X509ExtendedTrustManager load(Path caPem) throws IOException {
        List<X509Certificate> cas = PemFiles.readCertificates(caPem);
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                anchors.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(anchors);
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new IOException(caPem + ": the JDK offers no X509ExtendedTrustManager");
        } catch (GeneralSecurityException e) {
            throw new IOException(caPem + ": cannot use these certificates as trust anchors (" + e.getMessage() + ")");
        }
    }

    int failedReloads() {
        return delegate.failedLoads();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.get().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.get().checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate.get().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate.get().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.get().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.get().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.get().getAcceptedIssuers();
    }

    /** Accepts every chain: for the explicitly insecure flags only. */
    private static final class AcceptingAny extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}

package io.raftlite.core.store;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;

/** What a Raft port serves in a fresh TLS handshake. */
final class TlsTestSupport {

    private TlsTestSupport() {
    }

    /** The certificate {@code hostPort} presents to a new connection (the handshake then fails: no client cert). */
    static X509Certificate servedCertificate(String hostPort) throws Exception {
        RaftPropertiesFactory.HostPort hp = RaftPropertiesFactory.HostPort.parse(hostPort);
        AtomicReference<X509Certificate> served = new AtomicReference<>();
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[]{new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("client side only");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                served.set(chain[0]);
                throw new CertificateException("seen");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress(hp.host(), hp.port()), 2000);
            raw.setSoTimeout(2000);
            try (SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(raw, hp.host(), hp.port(), false)) {
                tls.startHandshake();
            } catch (IOException expected) {
                // the certificate was seen, or the port does not speak TLS
            }
        }
        if (served.get() == null) {
            throw new AssertionError(hostPort + " served no certificate");
        }
        return served.get();
    }
}

package io.raftlite.core.store;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether a Raft port answers a TLS handshake, for a clear message when a node with TLS meets one without (gRPC
 * only says "UNAVAILABLE: io exception" or "Network closed for unknown reason"). One handshake with no client
 * certificate: the port speaks TLS when it sends its certificate, whatever it thinks of ours afterwards.
 */
final class TlsProbe {

    /** What the probe found. */
    enum Answer { TLS, NOT_TLS, UNREACHABLE }

    private TlsProbe() {
    }

    static Answer probe(String hostPort, Duration timeout) {
        RaftPropertiesFactory.HostPort hp;
        try {
            hp = RaftPropertiesFactory.HostPort.parse(hostPort);
        } catch (IllegalArgumentException e) {
            return Answer.UNREACHABLE;
        }
        AtomicBoolean sawCertificate = new AtomicBoolean();
        int ms = (int) Math.max(100, timeout.toMillis());
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress(hp.host(), hp.port()), ms);
            raw.setSoTimeout(ms);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[]{recorder(sawCertificate)}, null);
            try (SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(raw, hp.host(), hp.port(), false)) {
                tls.startHandshake();
            } catch (IOException e) {
                // refused later (no client certificate) or not TLS at all: told apart by sawCertificate
            }
        } catch (IOException e) {
            return Answer.UNREACHABLE;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS", e);
        }
        return sawCertificate.get() ? Answer.TLS : Answer.NOT_TLS;
    }

    /** Trusts nothing, but notes that a server certificate arrived. */
    private static X509TrustManager recorder(AtomicBoolean saw) {
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
                throw new java.security.cert.CertificateException("probe only");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
                saw.set(true);
                throw new java.security.cert.CertificateException("probe only");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }
}

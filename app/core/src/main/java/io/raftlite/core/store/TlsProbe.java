package io.raftlite.core.store;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a Raft port answers to a TLS handshake, for a clear message when a node with TLS meets one without (gRPC
 * only says "UNAVAILABLE: io exception" or "Network closed for unknown reason"), and to see which certificate a
 * node serves now (after a rotation). One handshake with no client certificate: the port speaks TLS when it sends
 * its certificate, whatever it thinks of ours afterwards.
 */
public final class TlsProbe {

    /** What the probe found. */
    enum Answer { TLS, NOT_TLS, UNREACHABLE }

    private TlsProbe() {
    }

    static Answer probe(String hostPort, Duration timeout) {
        try {
            return servedCertificate(hostPort, timeout).isPresent() ? Answer.TLS : Answer.NOT_TLS;
        } catch (IOException | IllegalArgumentException e) {
            return Answer.UNREACHABLE;
        }
    }

    /**
     * The certificate {@code hostPort} presents to a new connection, or empty when it does not speak TLS.
     *
     * @throws IOException when nothing answers at {@code hostPort} within {@code timeout}
     */
    public static Optional<X509Certificate> servedCertificate(String hostPort, Duration timeout) throws IOException {
        RaftPropertiesFactory.HostPort hp = RaftPropertiesFactory.HostPort.parse(hostPort);
        AtomicReference<X509Certificate> served = new AtomicReference<>();
        int ms = (int) Math.max(100, timeout.toMillis());
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress(hp.host(), hp.port()), ms);
            raw.setSoTimeout(ms);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[]{recorder(served)}, null);
            try (SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(raw, hp.host(), hp.port(), false)) {
                tls.startHandshake();
            } catch (IOException e) {
                // refused later (no client certificate) or not TLS at all: told apart by what was served
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS", e);
        }
        return Optional.ofNullable(served.get());
    }

    /** Trusts nothing, but keeps the server certificate that arrived. */
    private static X509TrustManager recorder(AtomicReference<X509Certificate> served) {
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("probe only");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                served.set(chain[0]);
                throw new CertificateException("probe only");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }
}

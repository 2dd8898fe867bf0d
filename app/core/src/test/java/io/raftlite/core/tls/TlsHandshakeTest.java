package io.raftlite.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS through the JDK's own stack with these managers, on 127.0.13.1. */
class TlsHandshakeTest {

    private static final Duration DAY = Duration.ofDays(1);

    @TempDir
    Path dir;

    @Test
    void nodesOfOneCaShakeHandsAndSeeEachOthersIdOthersAreRefused() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("ca", DAY);
        ca.writeTo(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
        SSLContext n1 = context(ca, "n1");
        SSLContext n2 = context(ca, "n2");
        SSLContext stranger = context(CertificateAuthority.create("ca", DAY), "n2");

        assertEquals(Optional.of("n2"), peerIdSeenBy(n1, n2));
        ExecutionException refused = assertThrows(ExecutionException.class, () -> peerIdSeenBy(n1, stranger));
        assertEquals(SSLHandshakeException.class, refused.getCause().getClass(), refused.getCause().toString());
    }

    private SSLContext context(CertificateAuthority ca, String id) throws Exception {
        Path cert = dir.resolve(id + "-" + System.identityHashCode(ca) + ".pem");
        Path key = dir.resolve(id + "-" + System.identityHashCode(ca) + "-key.pem");
        Path bundle = dir.resolve("bundle-" + System.identityHashCode(ca) + ".pem");
        ca.issueNode(id, List.of("127.0.13.1"), DAY).writeTo(cert, key);
        PemFiles.writeCertificates(bundle, List.of(ca.certificate()));
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(new KeyManager[] {new ReloadingKeyManager(cert, key)},
                new TrustManager[] {new ReloadingTrustManager(dir.resolve("ca.pem"))}, null);
        return context;
    }

    /** The node id the server learns from the client's certificate; the server trusts the first CA only. */
    private static Optional<String> peerIdSeenBy(SSLContext server, SSLContext client) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByName("127.0.13.1"))) {
            listener.setNeedClientAuth(true);
            CompletableFuture<Optional<String>> seen = new CompletableFuture<>();
            Thread acceptor = new Thread(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.setSoTimeout(10_000);
                    s.startHandshake();
                    s.getInputStream().read(); // TLS 1.3 checks the client's certificate after the server's reply
                    seen.complete(NodeIdentity.of((java.security.cert.X509Certificate)
                            s.getSession().getPeerCertificates()[0]));
                } catch (Exception e) {
                    seen.completeExceptionally(e);
                }
            }, "tls-test-acceptor");
            acceptor.start();
            try (SSLSocket s = (SSLSocket) client.getSocketFactory()
                    .createSocket(InetAddress.getByName("127.0.13.1"), listener.getLocalPort())) {
                s.setSoTimeout(10_000);
                s.startHandshake();
                s.getOutputStream().write(1);
                s.getOutputStream().flush();
            } catch (SSLException | java.net.SocketException e) {
                // the client learns of a refusal as an alert or a closed connection; the server's side says why
            }
            return seen.get(10, TimeUnit.SECONDS);
        }
    }
}

package io.raftlite.server.https;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.raftlite.core.tls.ReloadingKeyManager;
import io.raftlite.core.tls.ReloadingTrustManager;
import io.raftlite.server.config.HttpTlsSettings;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.util.List;

/**
 * The HTTP API's TLS material: a reloading key manager over {@code -http-cert}/{@code -http-key}, with
 * {@code -http-verify-client} a reloading trust manager over {@code -http-ca-cert}, and the Netty server context
 * built on them. Created before the node starts anything else, so bad files stop it at once.
 */
public final class HttpsContext {

    /** TLS 1.3 and 1.2 only: 1.0 and 1.1 are deprecated (RFC 8996). */
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final SslContext sslContext;

    private HttpsContext(SslContext sslContext) {
        this.sslContext = sslContext;
    }

    /**
     * Reads the files and builds the context.
     *
     * @throws IllegalStateException with a one-line reason naming the flag and file when a file is missing,
     *                               unreadable, not PEM, a key others may read or one not of the certificate
     */
    public static HttpsContext load(HttpTlsSettings settings) {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("HTTP TLS is off");
        }
        ReloadingKeyManager keys;
        try {
            keys = new ReloadingKeyManager(settings.cert(), settings.key());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("-http-cert/-http-key: " + reason(e)); // the reason names the file
        }
        ReloadingTrustManager trust = null;
        if (settings.caCert() != null) { // read even when unused (no -http-verify-client): a wrong path shows now
            try {
                trust = new ReloadingTrustManager(settings.caCert());
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("-http-ca-cert: " + reason(e));
            }
        }
        SslContextBuilder b = SslContextBuilder.forServer(keys)
                .sslProvider(SslProvider.JDK) // the JDK engine asks the key manager at every handshake
                .protocols(PROTOCOLS);
        if (settings.verifyClient()) {
            b.trustManager(trust).clientAuth(ClientAuth.REQUIRE);
        } else {
            b.clientAuth(ClientAuth.NONE);
        }
        try {
            return new HttpsContext(b.build());
        } catch (SSLException | RuntimeException e) {
            throw new IllegalStateException("-http-cert " + settings.cert() + ": cannot set up TLS (" + reason(e) + ")");
        }
    }

    SslContext sslContext() {
        return sslContext;
    }

    /** The first message on the cause chain, on one line (PemFiles' messages never hold key material). */
    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && t.getMessage() == null) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replace('\n', ' ').strip();
    }
}

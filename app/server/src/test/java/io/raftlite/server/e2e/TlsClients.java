package io.raftlite.server.e2e;

import io.raftlite.core.tls.IssuedCertificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/** Client-side TLS for tests: contexts that trust a test CA (and present a client certificate), and a probe. */
final class TlsClients {

    private static final char[] PASSWORD = "test".toCharArray();

    private TlsClients() {
    }

    /** Trusts {@code ca} only; presents no certificate. */
    static SSLContext trusting(X509Certificate ca) {
        return context(ca, null);
    }

    /** Trusts {@code ca} only and presents {@code client} when the server asks (mutual TLS). */
    static SSLContext context(X509Certificate ca, IssuedCertificate client) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (client != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("client", client.key(), PASSWORD, new Certificate[] {client.certificate()});
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, PASSWORD);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The serial number of the certificate a node serves to a new TLS connection: a fresh context each time, so
     * no session is resumed from an earlier handshake.
     */
    static BigInteger servedSerial(NodeProcess node, X509Certificate ca) throws IOException {
        try (SSLSocket socket = (SSLSocket) trusting(ca).getSocketFactory().createSocket(node.host, node.httpPort)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }
}

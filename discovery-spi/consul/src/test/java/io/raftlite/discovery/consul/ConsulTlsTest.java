package io.raftlite.discovery.consul;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryClients;
import io.raftlite.discovery.DiscoveryConfig;
import io.raftlite.discovery.DiscoveryException;
import io.raftlite.discovery.DiscoveryUnavailableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code scheme: https} with {@code tls_config}: a CA file is trusted, the JDK's defaults are not fooled by a
 * self-signed certificate, and {@code insecure_skip_verify} accepts it. The server is a JDK HTTPS server on
 * loopback whose certificate keytool makes; it answers every KV read with 404.
 */
class ConsulTlsTest {

    @TempDir
    static Path dir;
    private static HttpsServer server;
    private static HttpsServer mutual;
    private static Path caPem;
    private static Path clientCert;
    private static Path clientKey;

    @BeforeAll
    static void startHttps() throws Exception {
        Path keystore = dir.resolve("server.p12");
        caPem = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "consul", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.81", "-ext", "SAN=ip:127.0.0.81", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "consul", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", caPem.toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = serve(ctx, false);
        mutual = serve(mutualContext(ks, kmf), true);
    }

    /** A client key pair whose certificate the mutual-TLS server trusts, exported as PEM files. */
    private static SSLContext mutualContext(KeyStore serverKeys, KeyManagerFactory kmf) throws Exception {
        Path clientStore = dir.resolve("client.p12");
        keytool("-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=raftlite",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", clientStore.toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        clientCert = dir.resolve("client.pem");
        keytool("-exportcert", "-rfc", "-alias", "client", "-keystore", clientStore.toString(), "-storepass", "changeit",
                "-file", clientCert.toString());
        KeyStore cs = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(clientStore)) {
            cs.load(in, "changeit".toCharArray());
        }
        byte[] pkcs8 = cs.getKey("client", "changeit".toCharArray()).getEncoded();
        clientKey = Files.writeString(dir.resolve("client-key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(pkcs8) + "\n-----END PRIVATE KEY-----\n");
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("client", cs.getCertificate("client"));
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static HttpsServer serve(SSLContext ctx, boolean needClientAuth) throws Exception {
        HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.81", 0), 8);
        s.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(com.sun.net.httpserver.HttpsParameters params) {
                javax.net.ssl.SSLParameters p = ctx.getDefaultSSLParameters();
                p.setNeedClientAuth(needClientAuth);
                params.setSSLParameters(p);
            }
        });
        s.createContext("/", x -> {
            x.sendResponseHeaders(404, -1);
            x.close();
        });
        s.start();
        return s;
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool hung");
        assertEquals(0, p.exitValue(), out);
    }

    @AfterAll
    static void stopHttps() {
        if (server != null) {
            server.stop(0);
        }
        if (mutual != null) {
            mutual.stop(0);
        }
    }

    private static DiscoveryClient client(Map<String, Object> tls) {
        return client(server, tls);
    }

    private static DiscoveryClient client(HttpsServer to, Map<String, Object> tls) {
        Map<String, Object> settings = new java.util.HashMap<>(Map.of("address",
                "127.0.0.81:" + to.getAddress().getPort(), "scheme", "https", "timeout", "3s"));
        if (tls != null) {
            settings.put("tls_config", tls);
        }
        return DiscoveryClients.load(ConsulTlsTest.class.getClassLoader()).create("consul-kv",
                new DiscoveryConfig("rqlite", settings));
    }

    @Test
    void aCaFileIsTrusted() throws Exception {
        try (DiscoveryClient c = client(Map.of("ca_file", caPem.toString()))) {
            assertEquals(Optional.empty(), c.read());
        }
    }

    @Test
    void anUntrustedCertificateIsAConfigurationErrorNotAnOutage() {
        try (DiscoveryClient c = client(null)) {
            DiscoveryException e = assertThrows(DiscoveryException.class, c::read);
            assertFalse(e instanceof DiscoveryUnavailableException, e.toString());
            assertTrue(e.getMessage().contains("tls_config"), e.getMessage());
        }
    }

    @Test
    void insecureSkipVerifyAcceptsAnyCertificate() throws Exception {
        try (DiscoveryClient c = client(Map.of("insecure_skip_verify", true))) {
            assertEquals(Optional.empty(), c.read());
        }
    }

    @Test
    void aClientCertificateAndPkcs8KeyAreSent() throws Exception {
        try (DiscoveryClient c = client(mutual, Map.of("ca_file", caPem.toString(), "cert_file", clientCert.toString(),
                "key_file", clientKey.toString()))) {
            assertEquals(Optional.empty(), c.read());
        }
        try (DiscoveryClient c = client(mutual, Map.of("ca_file", caPem.toString()))) {
            assertThrows(DiscoveryException.class, c::read, "the server demands a client certificate");
        }
    }
}

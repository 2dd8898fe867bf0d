package io.raftlite.server.e2e;

import io.raftlite.core.tls.CertificateAuthority;
import io.raftlite.core.tls.IssuedCertificate;
import io.raftlite.core.tls.PemFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.raftlite.server.e2e.CrashRecoveryIT.ok;
import static io.raftlite.server.e2e.DiscoveryScenarios.await;
import static io.raftlite.server.e2e.DiscoveryScenarios.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP API over TLS with the real jar on 127.0.15.x ({@code -http-cert}, {@code -http-key}, {@code -http-ca-cert},
 * {@code -http-verify-client}), with certificates the test makes with raftlite's own CA: HTTPS only on the one port,
 * mutual TLS, a certificate replaced under a running node while a client writes, and a 3-node HTTPS cluster.
 */
class HttpsIT extends ProcessFixture {

    private static final Duration DAY = Duration.ofDays(1);

    private CertificateAuthority ca;

    @BeforeEach
    void makeCa() {
        ca = CertificateAuthority.create("https-it CA", DAY);
    }

    /** Writes node {@code id}'s certificate for {@code host} and returns the flags that serve it. */
    private List<String> serverFlags(String id, String host) throws IOException {
        Path cert = tmp.resolve(id + ".pem");
        Path key = tmp.resolve(id + "-key.pem");
        ca.issueNode(id, List.of(host), DAY).writeTo(cert, key);
        return new ArrayList<>(List.of("-node-id", id, "-http-cert", cert.toString(), "-http-key", key.toString()));
    }

    private NodeProcess launch(String host, List<String> flags, SSLContext client) throws Exception {
        NodeProcess node = NodeProcess.prepare(host, tmp.resolve("data-" + host)).https(client);
        nodes.add(node);
        node.launch(flags.toArray(String[]::new));
        node.awaitReady(Duration.ofSeconds(120));
        return node;
    }

    @Test
    void theApiSpeaksOnlyHttpsAndAReplacedCertificateIsServedWithoutARestartWhileWritesGoOn() throws Exception {
        String host = "127.0.15.11";
        NodeProcess node = launch(host, serverFlags("n1", host), TlsClients.trusting(ca.certificate()));
        ok(node.post("/db/execute", "[\"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)\"]"));
        String status = node.get("/status").body();
        assertTrue(status.contains("\"adv_addr\":\"https://" + host + ":" + node.httpPort + "\""), status);
        assertTrue(node.get("/nodes?ver=2").body().contains("\"api_addr\":\"https://" + host), "advertised as https");

        // plain HTTP on the same port: rqlite's (Go's) 400, not a hang or a reset
        HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + host + ":" + node.httpPort + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, plain.statusCode());
        assertEquals("Client sent an HTTP request to an HTTPS server.\n", plain.body());
        // a client that does not trust the CA (the JDK's default trust store) gets no connection
        assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(node.baseUrl() + "/readyz")).build(), HttpResponse.BodyHandlers.ofString()));

        BigInteger first = TlsClients.servedSerial(node, ca.certificate());
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<long[]> writer = pool.submit(writes(node, writing));
            await("writes before the rotation", () -> count(node) >= 20);
            IssuedCertificate next = ca.issueNode("n1", List.of(host), DAY);
            next.writeTo(tmp.resolve("n1.pem"), tmp.resolve("n1-key.pem")); // in place, as an operator rotates
            await("a new connection to get the new certificate", () -> next.certificate().getSerialNumber()
                    .equals(serialOrNull(node)));
            long atRotation = count(node);
            await("writes after the rotation", () -> count(node) >= atRotation + 20);
            writing.set(false);
            long[] outcome = writer.get(60, TimeUnit.SECONDS);
            assertEquals(0, outcome[1], "failed writes during the rotation");
            assertEquals(outcome[0], count(node), "every acknowledged write is in the table");
            assertNotEquals(first, next.certificate().getSerialNumber());
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
        assertTrue(node.isAlive(), "no restart");
        // a client that connects only now, on a new connection, writes through the new certificate
        HttpResponse<String> fresh = HttpClient.newBuilder().sslContext(TlsClients.trusting(ca.certificate())).build()
                .send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/db/execute"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("[\"INSERT INTO t(v) VALUES ('after')\"]")).build(),
                        HttpResponse.BodyHandlers.ofString());
        ok(fresh);
        assertFalse(Files.readString(node.log).contains("PRIVATE KEY"), "no key material in the log");
    }

    @Test
    void withVerifyClientOnlyACertificateFromTheCaGetsIn() throws Exception {
        String host = "127.0.15.12";
        Path caPem = tmp.resolve("ca.pem");
        ca.writeTo(caPem, tmp.resolve("ca-key.pem"));
        List<String> flags = serverFlags("n1", host);
        flags.addAll(List.of("-http-ca-cert", caPem.toString(), "-http-verify-client"));
        IssuedCertificate app = ca.issueClient("app", DAY);
        NodeProcess node = launch(host, flags, TlsClients.context(ca.certificate(), app));
        ok(node.post("/db/execute", "[\"CREATE TABLE t (v TEXT)\", \"INSERT INTO t VALUES ('by app')\"]"));
        assertTrue(node.get("/status").body().contains("\"client_auth\":true"));

        IssuedCertificate stranger = CertificateAuthority.create("another CA", DAY).issueClient("app", DAY);
        for (SSLContext refused : List.of(TlsClients.trusting(ca.certificate()),
                TlsClients.context(ca.certificate(), stranger))) {
            HttpClient client = HttpClient.newBuilder().sslContext(refused).build();
            assertThrows(IOException.class, () -> client.send(HttpRequest.newBuilder(
                    URI.create(node.baseUrl() + "/db/query?q=SELECT%20*%20FROM%20t")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        assertTrue(node.get("/db/query?q=SELECT%20*%20FROM%20t").body().contains("by app"));

        // a second CA added to the bundle under the running node: its clients get in from a new connection on
        CertificateAuthority second = CertificateAuthority.create("second CA", DAY);
        Path secondPem = tmp.resolve("second.pem");
        second.writeTo(secondPem, tmp.resolve("second-key.pem"));
        HttpClient newcomer = HttpClient.newBuilder()
                .sslContext(TlsClients.context(ca.certificate(), second.issueClient("newcomer", DAY))).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/readyz")).build();
        assertThrows(IOException.class, () -> newcomer.send(ready, HttpResponse.BodyHandlers.ofString()));
        Path bundle = tmp.resolve("bundle.pem");
        Files.writeString(bundle, Files.readString(caPem) + Files.readString(secondPem));
        Files.move(bundle, caPem, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await("a client of the added CA to get in", () -> {
            try {
                return newcomer.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });
    }

    /** Certificates from {@code raftlite tls} here, and the -http-* flags it printed: the operator's way. */
    @Test
    void aThreeNodeHttpsClusterForwardsAFollowersWriteAndServesReadsOnEveryNode() throws Exception {
        TlsFiles pki = TlsFiles.createCa(tmp.resolve("pki"));
        SSLContext client = TlsClients.trusting(PemFiles.readCertificates(pki.caCert()).get(0));
        List<String> join = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            NodeProcess n = NodeProcess.prepare("127.0.15.2" + i, tmp.resolve("n" + i)).https(client);
            nodes.add(n);
            join.add(n.host + ":" + n.raftPort);
        }
        for (int i = 0; i < 3; i++) {
            List<String> flags = new ArrayList<>(List.of("-node-id", "n" + (i + 1)));
            flags.addAll(pki.node("n" + (i + 1), nodes.get(i).host).get(1)); // -http-cert, -http-key, -http-ca-cert
            flags.addAll(List.of("-join", String.join(",", join), "-bootstrap-expect", "3"));
            nodes.get(i).launch(flags.toArray(String[]::new));
        }
        for (NodeProcess n : nodes) {
            n.awaitReady(Duration.ofSeconds(120));
        }
        NodeProcess follower = null;
        for (NodeProcess n : nodes) {
            if (n.get("/status").body().contains("\"state\":\"Follower\"")) {
                follower = n;
            }
        }
        assertTrue(follower != null, "a follower");
        ok(follower.post("/db/execute", "[\"CREATE TABLE t (v TEXT)\", \"INSERT INTO t VALUES ('via a follower')\"]"));
        for (NodeProcess n : nodes) {
            await("the write on " + n.host, () -> query(n, "SELECT v FROM t").contains("via a follower"));
        }
        HttpResponse<String> redirected = follower.post("/db/execute?redirect", "[\"INSERT INTO t VALUES ('x')\"]");
        assertEquals(301, redirected.statusCode());
        assertTrue(redirected.headers().firstValue("Location").orElse("").startsWith("https://127.0.15.2"),
                redirected.headers().toString());
    }

    /** Writes one row at a time until told to stop; returns {acknowledged, failed}. */
    private static Callable<long[]> writes(NodeProcess node, AtomicBoolean writing) {
        return () -> {
            long acked = 0;
            long failed = 0;
            while (writing.get()) {
                HttpResponse<String> r = node.post("/db/execute", "[\"INSERT INTO t(v) VALUES ('w')\"]");
                if (r.statusCode() == 200 && r.body().contains("\"rows_affected\":1")) {
                    acked++;
                } else {
                    failed++;
                }
            }
            return new long[] {acked, failed};
        };
    }

    private BigInteger serialOrNull(NodeProcess node) {
        try {
            return TlsClients.servedSerial(node, ca.certificate());
        } catch (IOException e) {
            return null;
        }
    }

    private static long count(NodeProcess node) {
        try {
            String body = node.get("/db/query?level=none&q=SELECT%20COUNT(*)%20FROM%20t").body();
            return Long.parseLong(body.replaceAll("(?s).*\"values\":\\[\\[(\\d+)\\]\\].*", "$1"));
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return -1;
        }
    }
}

package io.raftlite.server.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real jar with the shipped JVM options, started as a shell would start it ({@code ulimit -n 1024},
 * {@code umask 022}): slow and silent connections, parallel large bodies, file modes and leftovers.
 */
class EdgeIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path tmp;

    @Test
    void slowAndSilentConnectionsAreClosedAndTheNodeStaysUsable() throws Exception {
        try (NodeProcess node = start("127.0.3.20", "-http-header-timeout", "2s")) {
            List<Socket> attack = new ArrayList<>();
            int maxFds = 0;
            try {
                for (int i = 0; i < 4_100; i++) { // 1,100 silent, then 3,000 that never finish their head
                    Socket s = new Socket();
                    attack.add(s);
                    s.connect(new InetSocketAddress(node.host, node.httpPort), 10_000);
                    if (i >= 1_100) {
                        s.getOutputStream().write("GET /readyz HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    }
                    if (i % 500 == 0) {
                        maxFds = Math.max(maxFds, openFds(node));
                    }
                }
                node.awaitReady(Duration.ofSeconds(60)); // the node closes the attackers and serves again
                maxFds = Math.max(maxFds, openFds(node));
                assertEquals(200, postOnceServed(node, "[\"CREATE TABLE t(x)\"]").statusCode());
            } finally {
                for (Socket s : attack) {
                    s.close();
                }
            }
            String log = Files.readString(node.log);
            long exhausted = log.lines().filter(l -> l.contains("Too many open files")).count();
            System.out.printf("EdgeIT: 4,100 attack connections, node's open fds at most %d of 1024 (sampled), %d edge"
                    + " log lines, %d 'Too many open files' lines%n",
                    maxFds, log.lines().filter(l -> l.contains("ConnectionGuard")).count(), exhausted);
            assertTrue(maxFds < 1024, "fds stayed below the limit: " + maxFds);
            assertEquals(0, exhausted, "accepting never ran out of fds"); // was 1,760 lines in 10 s
            assertTrue(log.lines().filter(l -> l.contains("ConnectionGuard")).count() <= 20, "rate-limited log");
        }
    }

    @Test
    void parallelLargeBodiesAreAllAnsweredWithoutA5xxOtherThan503() throws Exception {
        try (NodeProcess node = start("127.0.3.21")) {
            assertEquals(200, post(node, "/db/execute", "[\"CREATE TABLE t(x)\"]").statusCode());
            String statement = "\"INSERT INTO t VALUES('" + "b".repeat(1_000) + "')\"";
            String body = "[" + String.join(",", java.util.Collections.nCopies(1_900, statement)) + "]"; // 1.9 MiB
            Map<Integer, Integer> codes = new TreeMap<>();
            for (int round = 0; round < 3; round++) {
                List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    sent.add(HTTP.sendAsync(request(node, "/db/execute", body), HttpResponse.BodyHandlers.ofString()));
                }
                for (CompletableFuture<HttpResponse<String>> f : sent) {
                    HttpResponse<String> r = f.get();
                    codes.merge(r.statusCode(), 1, Integer::sum);
                    if (r.statusCode() == 503) {
                        assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
                    }
                }
            }
            System.out.println("EdgeIT: 36 parallel 1.9 MiB bodies (3 rounds of 12): " + codes);
            assertTrue(codes.getOrDefault(200, 0) >= 3, "at least one per round served: " + codes);
            assertEquals(36, codes.getOrDefault(200, 0) + codes.getOrDefault(503, 0), "only 200 and 503: " + codes);
            assertTrue(node.isAlive());
            HttpResponse<String> count = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + node.host + ":"
                    + node.httpPort + "/db/query?q=SELECT+count(*)+FROM+t")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(count.body().contains("[[" + codes.get(200) * 1_900 + "]]"), count.body());
        }
    }

    @Test
    void filesAreOwnerOnlyAndNothingIsLeftBehindAfterSigkill() throws Exception {
        Path javaTmp = Files.createDirectory(tmp.resolve("java-tmp"));
        try (NodeProcess node = NodeProcess.prepare("127.0.3.22", tmp.resolve("d"))) {
            node.shell("ulimit -n 1024; umask 022").jvm("-Djava.io.tmpdir=" + javaTmp);
            node.launch();
            node.awaitReady(Duration.ofSeconds(120));
            assertEquals(200, post(node, "/db/execute", "[\"CREATE TABLE t(x)\", \"INSERT INTO t VALUES(1)\"]").statusCode());
            assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create("http://" + node.host + ":" + node.httpPort
                    + "/db/backup")).build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode());
            node.kill9();
            Path leftover = Files.createDirectories(node.dataDir.resolve("tmp").resolve("backup123"));
            Files.writeString(leftover.resolve("backup"), "a copy a crash left behind");

            node.launch();
            node.awaitReady(Duration.ofSeconds(120));
            assertFalse(Files.exists(leftover), "the last run's backup copy is gone");
            try (Stream<Path> files = Files.list(node.dataDir.resolve("tmp"))) {
                assertEquals(1, files.filter(f -> f.toString().endsWith(".so")).count(), "one sqlite library copy");
            }
            try (Stream<Path> files = Files.list(javaTmp)) {
                assertEquals(List.of(), files.toList(), "nothing in the JVM's temp dir");
            }
            try (Stream<Path> all = Files.walk(node.dataDir)) {
                for (Path p : all.toList()) {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                    assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------", mode, p.toString());
                }
            }
        }
    }

    private NodeProcess start(String host, String... flags) throws Exception {
        NodeProcess node = NodeProcess.prepare(host, tmp.resolve(host));
        node.shell("ulimit -n 1024; umask 022");
        node.launch(flags);
        try {
            node.awaitReady(Duration.ofSeconds(120));
        } catch (Throwable t) {
            node.close();
            throw t;
        }
        return node;
    }

    private static int openFds(NodeProcess node) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(node.pid()), "fd"))) {
            return (int) fds.count();
        }
    }

    /** Retries while the connection cap still holds attack connections (closed within the header timeout). */
    private static HttpResponse<String> postOnceServed(NodeProcess node, String json) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                return post(node, "/db/execute", json);
            } catch (IOException closedAtTheCap) {
                if (System.nanoTime() > deadline) {
                    throw closedAtTheCap;
                }
                Thread.onSpinWait();
            }
        }
    }

    private static HttpRequest request(NodeProcess node, String path, String json) {
        return HttpRequest.newBuilder(URI.create("http://" + node.host + ":" + node.httpPort + path))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private static HttpResponse<String> post(NodeProcess node, String path, String json) throws Exception {
        return HTTP.send(request(node, path, json), HttpResponse.BodyHandlers.ofString());
    }
}

package io.raftlite.server.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real jar with the shipped heap ({@code -Xmx64m -XX:+ExitOnOutOfMemoryError}): health endpoints and a
 * short read answer while every read connection runs an endless query, and large values neither reach the
 * heap on a read nor stop a SQL dump.
 */
class ReadSaturationIT {

    private static final String ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    private static NodeProcess start(Path dir, String host) throws Exception {
        NodeProcess node = NodeProcess.prepare(host, dir); // the shipped -Xmx64m (NodeJvm)
        node.launch("-db-read-conns", "2", "-db-timeout-max", "60s");
        node.awaitReady(Duration.ofSeconds(120));
        return node;
    }

    @Test
    void healthAndShortReadsAnswerWhileEveryReadConnectionIsBusy() throws Exception {
        try (NodeProcess node = start(tmp.resolve("d1"), "127.0.2.1")) {
            List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
            for (int i = 0; i < 4; i++) { // the 2 pooled connections and the 2 of the short lane
                String q = URLEncoder.encode(ENDLESS, StandardCharsets.UTF_8);
                slow.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(node.baseUrl()
                                + "/db/query?level=none&db_timeout=20s&q=" + q)).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            // two take the pooled connections; the other two are cut on the short lane, find no pooled
            // connection within -db-read-wait and get 503: once they have, both pooled connections are busy
            CountDownLatch refused = new CountDownLatch(2);
            slow.forEach(f -> f.whenComplete((r, t) -> refused.countDown()));
            assertTrue(refused.await(15, TimeUnit.SECONDS), "the reads beyond the pool were never refused");
            for (CompletableFuture<HttpResponse<String>> f : slow) {
                if (f.isDone()) {
                    assertEquals(503, f.get().statusCode(), f.get().body());
                    assertEquals("1", f.get().headers().firstValue("Retry-After").orElse(null));
                }
            }
            HttpResponse<String> status = null;
            int answered = 0;
            for (int round = 0; round < 20; round++) {
                assertEquals(200, node.get("/readyz").statusCode());
                status = node.get("/status");
                long start = System.nanoTime();
                HttpResponse<String> one = node.get("/db/query?level=none&q=SELECT%201");
                System.out.printf("SELECT 1 with the pool saturated: %.1f ms (%d)%n", (System.nanoTime() - start) / 1e6,
                        one.statusCode());
                assertTrue(one.statusCode() == 200 || one.statusCode() == 503, one.body());
                if (one.statusCode() == 200) {
                    assertTrue(one.body().contains("[[1]]"), one.body());
                    answered++;
                } else {
                    assertTrue(one.headers().firstValue("Retry-After").isPresent());
                }
            }
            assertTrue(answered >= 15, answered + " of 20 short reads answered by the short lane");
            assertEquals(200, status.statusCode());
            assertEquals(200, node.get("/metrics").statusCode());
            assertEquals(2, slow.stream().filter(f -> !f.isDone()).count(), "the endless reads still ran meanwhile");
            for (CompletableFuture<HttpResponse<String>> f : slow) {
                HttpResponse<String> r = f.get();
                assertTrue(r.body().contains("query timeout") || r.statusCode() == 503, r.statusCode() + " " + r.body());
            }
            assertTrue(node.isAlive());
        }
    }

    @Test
    void largeValuesAreRefusedOnWriteAndTheLargestAllowedIsReadAndDumpedWithTheShippedHeap() throws Exception {
        try (NodeProcess node = start(tmp.resolve("d2"), "127.0.2.2")) {
            // a 30 MB value is refused by the write value limit (-db-max-value-size, 1 MiB) on every replica alike
            HttpResponse<String> huge = node.post("/db/execute", "[\"CREATE TABLE t (v)\", \"INSERT INTO t VALUES (zeroblob(31457280))\","
                    + " \"CREATE TABLE s (v)\", \"INSERT INTO s VALUES (randomblob(1000000))\"]");
            assertEquals(200, huge.statusCode());
            assertTrue(huge.body().contains("{\"error\":\"string or blob too big\"}"), huge.body());
            // a 1 MB blob is 8 MB of response work: concurrent ones beyond the node's budget wait their turn as 503s
            List<CompletableFuture<HttpResponse<String>>> parallel = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                parallel.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/db/query?q=SELECT%20v%20FROM%20s"))
                        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            int served = 0;
            for (CompletableFuture<HttpResponse<String>> f : parallel) {
                HttpResponse<String> r = f.get();
                assertTrue(r.statusCode() == 200 || r.statusCode() == 503 && r.headers().firstValue("Retry-After").isPresent(),
                        r.statusCode() + " " + r.body());
                served += r.statusCode() == 200 ? 1 : 0;
            }
            assertTrue(served > 0);
            assertTrue(node.isAlive(), node.logTail());
            HttpResponse<String> read = node.get("/db/query?q=SELECT%20length(v)%20FROM%20s");
            assertEquals(200, read.statusCode());
            assertTrue(read.body().contains("[[1000000]]"), read.body());
            HttpResponse<InputStream> dump = HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/db/backup?fmt=sql"))
                    .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, dump.statusCode());
            long bytes = 0;
            try (InputStream in = dump.body()) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    bytes += n;
                }
            }
            assertTrue(bytes > 2L * 1000000, "the dump holds the whole value as hex: " + bytes);
            assertTrue(node.isAlive(), node.logTail());
            assertFalse(node.logTail().contains("OutOfMemoryError"), node.logTail());
            assertEquals(200, node.get("/readyz").statusCode());
        }
    }
}

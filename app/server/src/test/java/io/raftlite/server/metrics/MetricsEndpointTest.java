package io.raftlite.server.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.raftlite.core.store.StoreObserver;
import io.raftlite.server.Main;
import io.raftlite.server.config.NodeSettings;
import io.raftlite.server.config.SettingsResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real node in this JVM: writes and reads, then reads its own series on {@code /metrics}. */
class MetricsEndpointTest {

    private static final String HOST = "127.0.0.171";
    private static final int WRITES = 12;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    @Test
    void seriesDescribeTheNodeAndItsRequests() throws Exception {
        int http = freePort();
        try (ApplicationContext ignored = start(http, "-raft-snap", "5")) {
            String base = "http://" + HOST + ":" + http;
            assertEquals(200, post(base + "/db/execute", "[\"CREATE TABLE t (v INTEGER)\"]").statusCode());
            for (int i = 1; i < WRITES; i++) {
                assertEquals(200, post(base + "/db/execute", "[\"INSERT INTO t VALUES(" + i + ")\"]").statusCode());
            }
            HttpResponse<String> read = get(base + "/db/query?level=none&q=SELECT+count(*)+FROM+t");
            assertTrue(read.body().contains("[[" + (WRITES - 1) + "]]"), read.body());
            assertEquals(404, get(base + "/no/such/path/42").statusCode());

            Map<String, Double> m = scrapeUntil(base, "raftlite_raft_snapshot_seconds_count");
            assertEquals(1.0, m.get("raftlite_raft_role{role=\"leader\"}"));
            assertEquals(0.0, m.get("raftlite_raft_role{role=\"follower\"}"));
            assertEquals(0.0, m.get("raftlite_raft_role{role=\"candidate\"}"));
            assertTrue(m.get("raftlite_raft_term") >= 1, "term");
            assertTrue(m.get("raftlite_raft_applied_index") >= WRITES, "applied index " + m.get("raftlite_raft_applied_index"));
            assertTrue(m.get("raftlite_raft_commit_index") >= m.get("raftlite_raft_applied_index"), "commit ≥ applied");
            assertTrue(m.get("raftlite_raft_leader_changes_total") >= 1, "the node's own election counts");
            assertEquals(1.0, m.get("raftlite_node_ready"));
            assertTrue(m.get("raftlite_raft_log_append_seconds_count") >= WRITES, "one append per write");
            assertEquals(m.get("raftlite_raft_log_append_seconds_count"),
                    m.get("raftlite_raft_log_append_seconds_bucket{le=\"+Inf\"}"), "a histogram");
            assertTrue(m.get("raftlite_raft_log_append_seconds_sum") > 0);
            assertTrue(m.get("raftlite_raft_apply_seconds_count") >= WRITES, "one apply per entry");
            assertTrue(m.get("raftlite_raft_snapshot_seconds_count") >= 1, "-raft-snap 5 took a snapshot");
            assertTrue(m.get("raftlite_raft_snapshot_index") >= 5);
            assertTrue(m.get("raftlite_db_size_bytes") > 0);

            assertEquals(WRITES, m.get(
                    "http_server_requests_seconds_count{exception=\"none\",method=\"POST\",status=\"200\",uri=\"/db/execute\"}"));
            assertEquals(1.0, m.get(
                    "http_server_requests_seconds_count{exception=\"none\",method=\"GET\",status=\"200\",uri=\"/db/query\"}"));
            assertFalse(m.keySet().stream().anyMatch(k -> k.contains("/no/such/path")), "raw paths never become labels");
            assertFalse(m.keySet().stream().anyMatch(k -> k.startsWith("raftlite_discovery_")), "discovery is off");

            for (String series : new String[]{"jvm_memory_used_bytes{area=\"heap\"", "jvm_threads_live_threads",
                    "jvm_classes_loaded_classes", "jvm_gc_", "process_uptime_seconds", "process_cpu_usage",
                    "process_files_open_files"}) {
                assertTrue(m.keySet().stream().anyMatch(k -> k.startsWith(series)), series + " in " + m.keySet());
            }
            assertTrue(m.get("process_files_open_files") > 0);
        }
    }

    @Test
    void metricsOffMeansNoEndpointAndNoRegistry() throws Exception {
        int http = freePort();
        try (ApplicationContext context = start(http, "-metrics=false")) {
            String base = "http://" + HOST + ":" + http;
            assertEquals(200, post(base + "/db/execute", "[\"CREATE TABLE t (v INTEGER)\"]").statusCode());
            assertEquals(404, get(base + "/metrics").statusCode());
            assertTrue(context.findBean(MeterRegistry.class).isEmpty(), "no registry is created");
            assertSame(StoreObserver.NONE, context.getBean(StoreObserver.class), "the store reports to nobody");
            assertTrue(context.findBean(NodeGauges.class).isEmpty());
        }
    }

    private ApplicationContext start(int httpPort, String... extra) throws Exception {
        int raft = freePort();
        while (raft == httpPort) {
            raft = freePort();
        }
        String[] base = {"-http-addr", HOST + ":" + httpPort, "-raft-addr", HOST + ":" + raft};
        String[] args = new String[base.length + extra.length + 1];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        args[args.length - 1] = tmp.resolve("node-" + httpPort).toString();
        NodeSettings settings = ((SettingsResolver.Run) SettingsResolver.resolve(args, Map.of())).settings();
        ApplicationContext context = Main.start(settings);
        try {
            awaitReady("http://" + HOST + ":" + httpPort);
        } catch (Exception | AssertionError e) {
            context.close();
            throw e;
        }
        return context;
    }

    /** Scrapes until {@code series} is above zero (a snapshot is taken in the background), then parses. */
    private static Map<String, Double> scrapeUntil(String base, String series) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<String, Double> m;
        do {
            HttpResponse<String> r = get(base + "/metrics");
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
            m = parse(r.body());
            Double v = m.get(series);
            if (v != null && v > 0) {
                return m;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return m;
    }

    /** Prometheus text format: {@code name{labels} value}, comments skipped. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> m = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            m.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        assertNotNull(m.get("raftlite_raft_term"), "raftlite's series in:\n" + text);
        return m;
    }

    private static void awaitReady(String base) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (get(base + "/readyz").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("node not ready within 60s");
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

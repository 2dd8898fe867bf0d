package io.raftlite.server.e2e;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.raftlite.server.e2e.CrashRecoveryIT.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET /db/watch on 3 nodes and a read replica (127.0.18.1-4, the shipped JAVA_OPTS): each watcher wakes for
 * its table only, never for an unwatched table or a rolled-back transaction, across a restart of its node;
 * 1,000 watchers on one node all answer, the next one gets 503. Prints wake-up latency and memory.
 */
class WatchIT extends ProcessFixture {

    private static final Pattern INDEX = Pattern.compile("\"index\":(\\d+)");
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private NodeProcess launch(String host, String... flags) throws Exception {
        NodeProcess node = NodeProcess.prepare(host, tmp.resolve(host));
        nodes.add(node);
        node.launch(flags);
        node.awaitReady(Duration.ofSeconds(120));
        return node;
    }

    /** Small snapshots and log segments, so a replica stopped for a few hundred writes installs a snapshot. */
    private static final String[] SMALL = {"-raft-snap", "50", "-raft-log-segment-size", "16KiB"};

    private void startCluster() throws Exception {
        NodeProcess n1 = launch("127.0.18.1", with("-node-id", "n1", "-watch-max-watchers", "1000"));
        launch("127.0.18.2", with("-node-id", "n2", "-join", "127.0.18.1:" + n1.raftPort));
        launch("127.0.18.3", with("-node-id", "n3", "-join", "127.0.18.1:" + n1.raftPort));
        launch("127.0.18.4", with("-node-id", "n4", "-raft-non-voter", "-join", "127.0.18.1:" + n1.raftPort));
        await("three voters", () -> body(n1, "/nodes?ver=2").split("\"voter\":true").length - 1 == 3);
    }

    private static String[] with(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(SMALL));
        return all.toArray(String[]::new);
    }

    @Test
    void watchersSeeTheirTablesOnlyAndAThousandFitOneNode() throws Exception {
        startCluster();
        NodeProcess n1 = nodes.get(0);
        ok(n1.post("/db/execute", "[\"CREATE TABLE settings (k TEXT PRIMARY KEY, v TEXT)\", \"CREATE TABLE other (v)\"]"));
        mark(n1, "m0");

        List<CompletableFuture<HttpResponse<String>>> watches = new ArrayList<>();
        long[] start = new long[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            start[i] = index(nodes.get(i).get("/db/watch?tables=settings"));
            watches.add(watch(nodes.get(i), "tables=settings&index=" + start[i] + "&wait=5m"));
        }
        // the same as Server-Sent Events on the read replica
        NodeProcess replica = nodes.get(3);
        HttpResponse<java.util.stream.Stream<String>> stream = CLIENT.send(HttpRequest.newBuilder(URI.create(
                replica.baseUrl() + "/db/watch?tables=settings&index=" + start[3])).header("Accept", "text/event-stream")
                .GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode());
        java.util.Iterator<String> lines = stream.body().iterator();
        // an unwatched table and a rolled-back transaction wake nobody
        mark(n1, "m1");
        HttpResponse<String> rolledBack = n1.post("/db/execute?transaction",
                "[\"INSERT INTO settings VALUES ('a', '1')\", \"INSERT INTO missing VALUES (1)\"]");
        assertTrue(rolledBack.body().contains("no such table"), rolledBack.body());
        mark(n1, "m2");
        for (CompletableFuture<HttpResponse<String>> w : watches) {
            assertFalse(w.isDone(), "woken without a change to its table");
        }
        ok(nodes.get(1).post("/db/execute", "[\"INSERT INTO settings VALUES ('a', '2')\"]"));
        for (int i = 0; i < nodes.size(); i++) {
            String answer = watches.get(i).get(60, TimeUnit.SECONDS).body();
            assertTrue(answer.endsWith(",\"tables\":[\"settings\"]}") && index(answer) > start[i], answer);
        }
        assertEquals("retry: 1000", lines.next(), "headers and a first line at once, before any change");
        assertEquals("", lines.next());
        String first = lines.next();
        assertTrue(first.startsWith("id: "), first);
        assertEquals("event: change", lines.next());
        String data = lines.next();
        assertTrue(data.startsWith("data: ") && data.endsWith(",\"tables\":[\"settings\"]}"), data);
        assertEquals(index(watches.get(3).get().body()), index(data), "the stream's first event is the long poll's answer");
        stream.body().close();
        restartMidWatch(n1);
        snapshotInstallOnALaggingReplica(n1);
        aThousandWatchers(n1, nodes.get(1));
        latency(nodes.get(2), n1);
    }

    /** A follower restarts while a write to settings and one to other happen: it reports the first only. */
    private void restartMidWatch(NodeProcess writer) throws Exception {
        NodeProcess follower = nodes.get(2);
        long before = index(follower.get("/db/watch?tables=settings"));
        CompletableFuture<HttpResponse<String>> cut = watch(follower, "tables=settings&index=" + before + "&wait=5m");
        follower.stop();
        assertTrue(cut.handle((r, e) -> e != null || r.statusCode() != 200).get(60, TimeUnit.SECONDS));
        ok(writer.post("/db/execute", "[\"INSERT INTO other VALUES ('while down')\"]"));
        long quiet = index(writer.get("/db/watch?tables=settings"));
        ok(writer.post("/db/execute", "[\"INSERT INTO settings VALUES ('b', '1')\"]"));
        follower.restart();
        follower.awaitReady(Duration.ofSeconds(120));
        String missed = watch(follower, "tables=settings&index=" + before + "&wait=5m").get(60, TimeUnit.SECONDS).body();
        assertTrue(missed.endsWith(",\"tables\":[\"settings\"]}") && index(missed) > before, missed);
        // the node replays its log: the write to other after 'quiet' is no news for a watcher of settings
        long settingsAt = index(missed);
        String none = watch(follower, "tables=other&index=" + Math.max(quiet, settingsAt) + "&wait=2s")
                .get(60, TimeUnit.SECONDS).body();
        assertEquals("{\"index\":" + Math.max(quiet, settingsAt) + ",\"tables\":[]}", none);
    }

    /**
     * The read replica is stopped while the leader writes past several snapshots and purges its log: back, it
     * installs the leader's snapshot, after which every table counts as changed (its watchers re-read), and
     * later writes are exact again.
     */
    private void snapshotInstallOnALaggingReplica(NodeProcess writer) throws Exception {
        NodeProcess replica = nodes.get(3);
        NodeProcess leader = nodes.stream().filter(n -> body(n, "/status").contains("\"state\":\"Leader\""))
                .findFirst().orElse(writer);
        long before = index(replica.get("/db/watch?tables=settings"));
        replica.stop();
        for (int i = 0; i < 300; i++) {
            ok(leader.post("/db/execute", "[[\"INSERT INTO other VALUES (?)\", \"" + "x".repeat(400) + "\"]]"));
        }
        ok(leader.post("/db/execute", "[\"INSERT INTO settings VALUES ('c', '1')\"]"));
        await("the leader purged its log past the replica's end", () -> SnapshotCatchUpIT.logStart(leader.dataDir) > before + 2);
        replica.restart();
        replica.awaitReady(Duration.ofSeconds(120));
        await("the replica installed a snapshot", () -> SnapshotCatchUpIT.readLog(replica).contains("installed the leader's snapshot"));
        await("the replica has every write", () -> body(replica, "/db/query?level=none&q=SELECT+count(*)+FROM+settings")
                .contains("[[3]]"));
        String missed = watch(replica, "tables=settings&index=" + before + "&wait=5m").get(60, TimeUnit.SECONDS).body();
        assertTrue(missed.endsWith(",\"tables\":[\"settings\"]}") && index(missed) > before, missed);
        String untouched = watch(replica, "tables=never_written&index=" + before + "&wait=5m").get(60, TimeUnit.SECONDS).body();
        assertTrue(untouched.endsWith(",\"tables\":[\"never_written\"]}"), "an install counts every table: " + untouched);
        long now = index(replica.get("/db/watch?tables=settings"));
        CompletableFuture<HttpResponse<String>> quiet = watch(replica, "tables=settings&index=" + now + "&wait=2s");
        mark(leader, "m3");
        assertEquals("{\"index\":" + now + ",\"tables\":[]}", quiet.get(60, TimeUnit.SECONDS).body());
    }

    private void aThousandWatchers(NodeProcess node, NodeProcess writer) throws Exception {
        await("the follower has every write", () -> body(node, "/db/query?level=none&q=SELECT+count(*)+FROM+settings")
                .contains("[[3]]"));
        long at = index(node.get("/db/watch?tables=settings"));
        long rssBefore = rssKiB(node);
        List<CompletableFuture<HttpResponse<String>>> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(watch(node, "tables=settings&index=" + at + "&wait=5m"));
        }
        // the node is capped at 1000: once the next one is refused, all 1000 wait
        await("1000 watchers waiting", () -> probe(node).statusCode() == 503);
        HttpResponse<String> refused = probe(node);
        assertEquals(503, refused.statusCode(), refused.body());
        assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
        assertTrue(body(node, "/metrics").contains("raftlite_watch_watchers 1000.0"), "the gauge counts them");
        long rssWith = rssKiB(node);
        long t0 = System.nanoTime();
        ok(writer.post("/db/execute", "[\"UPDATE settings SET v = 'all' WHERE k = 'a'\"]"));
        int answered = 0;
        for (CompletableFuture<HttpResponse<String>> w : many) {
            String b = w.get(60, TimeUnit.SECONDS).body();
            answered += b.endsWith(",\"tables\":[\"settings\"]}") ? 1 : 0;
        }
        long allMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(1000, answered);
        assertTrue(node.isAlive());
        System.out.printf("WatchIT: RSS %d KiB before, %d KiB with 1000 watchers (%+d KiB), VmHWM %d KiB;"
                + " write -> all 1000 answered in %d ms%n", rssBefore, rssWith, rssWith - rssBefore, node.vmHwmKiB(), allMs);
    }

    /** One more watch that ends at once: 503 while the cap is reached, else 200 after its zero wait. */
    private static HttpResponse<String> probe(NodeProcess node) {
        try {
            return watch(node, "tables=settings&index=1&wait=0s").get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Wake-up latency: a write sent to the leader until a watcher on a follower has its answer. */
    private static void latency(NodeProcess watched, NodeProcess writer) throws Exception {
        long[] nanos = new long[200];
        long[] writes = new long[nanos.length];
        long at = index(watched.get("/db/watch?tables=settings"));
        for (int i = 0; i < nanos.length; i++) {
            CompletableFuture<HttpResponse<String>> w = watch(watched, "tables=settings&index=" + at + "&wait=5m");
            long t0 = System.nanoTime();
            ok(writer.post("/db/execute", "[\"UPDATE settings SET v = '" + i + "' WHERE k = 'b'\"]"));
            writes[i] = System.nanoTime() - t0;
            HttpResponse<String> r = w.get(60, TimeUnit.SECONDS);
            nanos[i] = System.nanoTime() - t0;
            at = index(r.body());
        }
        Arrays.sort(nanos);
        Arrays.sort(writes);
        System.out.printf("WatchIT: wake-up latency over %d writes: p50 %.1f ms, p99 %.1f ms"
                        + " (the write's own round trip: p50 %.1f ms, p99 %.1f ms)%n", nanos.length,
                nanos[nanos.length / 2] / 1e6, nanos[nanos.length * 99 / 100] / 1e6,
                writes[writes.length / 2] / 1e6, writes[writes.length * 99 / 100] / 1e6);
    }

    private static long rssKiB(NodeProcess node) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(node.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmRSS");
    }

    private static CompletableFuture<HttpResponse<String>> watch(NodeProcess node, String query) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/db/watch?" + query))
                .timeout(Duration.ofMinutes(6)).GET().build();
        return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A write to other, awaited on every node: what came before it has been applied everywhere. */
    private void mark(NodeProcess writer, String marker) throws Exception {
        ok(writer.post("/db/execute", "[\"INSERT INTO other VALUES ('" + marker + "')\"]"));
        for (NodeProcess n : nodes) {
            await(marker + " reaches " + n.host, () -> body(n, "/db/query?level=none&q=SELECT+count(*)+FROM+other+WHERE+v='"
                    + marker + "'").contains("[[1]]"));
        }
    }

    private static long index(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return index(r.body());
    }

    private static long index(String body) {
        Matcher m = INDEX.matcher(body);
        assertTrue(m.find(), body);
        return Long.parseLong(m.group(1));
    }

    private static String body(NodeProcess n, String pathAndQuery) {
        try {
            return n.get(pathAndQuery).body();
        } catch (Exception e) {
            return "";
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}

package io.raftlite.server.e2e;

import io.raftlite.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 while clients write, restart, and every acknowledged write is there, none applied twice: the
 * counter, incremented once per request, ends between the acknowledged and the attempted increments.
 */
class CrashRecoveryIT {

    @TempDir
    Path tmp;

    @Test
    void everyAcknowledgedWriteSurvivesRepeatedKill9() throws Exception {
        // a low snapshot threshold so that kills land before, during and after snapshots
        try (NodeProcess node = NodeProcess.start("127.0.0.31", tmp.resolve("d1"), "-raft-snap", "40",
                "-raft-log-segment-size", "64KiB")) {
            ok(node.post("/db/execute", "[\"CREATE TABLE t (id INTEGER PRIMARY KEY, w INTEGER, v TEXT)\","
                    + "\"CREATE TABLE counter (n INTEGER)\", \"INSERT INTO counter VALUES (0)\"]"));
            Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicLong attemptedIncrements = new AtomicLong();
            AtomicLong acknowledgedIncrements = new AtomicLong();
            AtomicLong nextId = new AtomicLong(1);
            for (int round = 0; round < 3; round++) {
                AtomicBoolean stop = new AtomicBoolean();
                ExecutorService writers = Executors.newFixedThreadPool(4);
                List<Future<?>> futures = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    futures.add(writers.submit(() -> writeUntil(node, stop, nextId, acknowledged,
                            attemptedIncrements, acknowledgedIncrements)));
                }
                Thread.sleep(1500 + round * 300L);
                node.kill9();
                stop.set(true);
                writers.shutdown();
                assertTrue(writers.awaitTermination(60, TimeUnit.SECONDS));
                node.restart();
                assertTrue(acknowledged.size() > 10 * (round + 1), "too few writes to mean anything: " + acknowledged.size());

                Set<Long> present = ids(node);
                for (long id : acknowledged) {
                    assertTrue(present.contains(id), "acknowledged row " + id + " lost after kill -9 in round " + round);
                }
                long n = counter(node);
                assertTrue(n >= acknowledgedIncrements.get() && n <= attemptedIncrements.get(),
                        "counter " + n + " outside [" + acknowledgedIncrements + ", " + attemptedIncrements
                                + "]: an entry was skipped or applied twice");
            }
            assertEquals(0, node.stop(), "SIGTERM ends the node with exit code 0");
        }
    }

    private static void writeUntil(NodeProcess node, AtomicBoolean stop, AtomicLong nextId, Set<Long> acknowledged,
                                   AtomicLong attempted, AtomicLong acked) {
        while (!stop.get()) {
            long id = nextId.getAndIncrement();
            attempted.incrementAndGet();
            try {
                HttpResponse<String> r = node.post("/db/execute?transaction",
                        "[[\"INSERT INTO t (id, w, v) VALUES (?, ?, ?)\", " + id + ", 1, \"row-" + id + "\"],"
                                + "\"UPDATE counter SET n = n + 1\"]");
                if (r.statusCode() == 200 && !r.body().contains("error")) {
                    acknowledged.add(id);
                    acked.incrementAndGet();
                }
            } catch (Exception e) {
                return; // the node is gone
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Set<Long> ids(NodeProcess node) throws Exception {
        HttpResponse<String> r = node.get("/db/query?level=linearizable&q=SELECT%20id%20FROM%20t");
        ok(r);
        Map<String, Object> body = (Map<String, Object>) Json.parse(r.body().getBytes());
        Map<String, Object> result = (Map<String, Object>) ((List<Object>) body.get("results")).get(0);
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        List<List<Object>> values = (List<List<Object>>) result.getOrDefault("values", List.of());
        values.forEach(row -> ids.add((Long) row.get(0)));
        return ids;
    }

    @SuppressWarnings("unchecked")
    private static long counter(NodeProcess node) throws Exception {
        HttpResponse<String> r = node.get("/db/query?level=linearizable&q=SELECT%20n%20FROM%20counter");
        ok(r);
        Map<String, Object> body = (Map<String, Object>) Json.parse(r.body().getBytes());
        Map<String, Object> result = (Map<String, Object>) ((List<Object>) body.get("results")).get(0);
        return (Long) ((List<List<Object>>) result.get("values")).get(0).get(0);
    }

    static void ok(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(!r.body().contains("\"error\""), r.body());
    }
}

package io.raftlite.server.e2e;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.raftlite.server.e2e.CrashRecoveryIT.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM to the leader of a three-node cluster (127.0.0.181-183) while two writers hammer it: the process
 * exits 0, and every write it acknowledged with 200, before or while stopping, is on the survivors. Five rounds
 * (the stopped leader restarts in between); prints how long each stop took and what the writers saw. Also: a
 * second SIGTERM while stopping exits at once and the data survives it.
 */
class LeaderShutdownIT extends ProcessFixture {

    private static final int ROUNDS = 5;

    @Test
    void aStoppingLeaderAnswersWhatItTookAndLosesNoAcknowledgedWrite() throws Exception {
        startCluster();
        ok(nodes.get(0).post("/db/execute", "[\"CREATE TABLE w (id INTEGER PRIMARY KEY, d TEXT)\"]"));
        AtomicLong nextId = new AtomicLong(1);
        List<Long> stopMillis = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            NodeProcess leader = leader();
            Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
            Map<String, Integer> outcomes = new TreeMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                Thread t = new Thread(() -> write(leader, stop, nextId, acknowledged, outcomes), "writer-" + w);
                t.start();
                writers.add(t);
            }
            long loadUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // at least 3 s and 50 writes
            Thread.sleep(3000);
            while (acknowledged.size() < 50 && System.nanoTime() < loadUntil) {
                Thread.sleep(100);
            }
            long sigterm = System.nanoTime();
            leader.process().destroy();
            boolean exited = leader.process().waitFor(60, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
            stop.set(true);
            for (Thread t : writers) {
                t.join(60_000);
            }
            assertTrue(exited, "the leader did not exit within 60 s of SIGTERM:\n" + leader.logTail());
            assertEquals(0, leader.process().exitValue(), leader.logTail());
            stopMillis.add(millis);
            System.out.printf("leader shutdown under load, round %d (%s): SIGTERM -> exit %d ms; %d writes acknowledged;"
                    + " outcomes %s%n  %s%n", round, leader.host, millis, acknowledged.size(), outcomes,
                    String.join("\n  ", stopLog(leader)));
            assertTrue(acknowledged.size() > 20, "too few writes to mean anything: " + outcomes);
            for (NodeProcess survivor : nodes) {
                if (survivor != leader) {
                    assertAllPresent(survivor, acknowledged);
                }
            }
            leader.restart();
            awaitVoters(3);
        }
        List<Long> sorted = stopMillis.stream().sorted().toList();
        System.out.printf("leader shutdown under load over %d rounds: min %d ms, median %d ms, max %d ms (%s)%n",
                ROUNDS, sorted.get(0), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), stopMillis);
    }

    @Test
    void aSecondSigtermWhileStoppingExitsAtOnceAndKeepsTheData() throws Exception {
        NodeProcess n = NodeProcess.start("127.0.0.186", tmp.resolve("single"), "-node-id", "s1");
        nodes.add(n);
        ok(n.post("/db/execute", "[\"CREATE TABLE w (id INTEGER PRIMARY KEY, d TEXT)\"]"));
        for (int i = 1; i <= 200; i++) {
            ok(n.post("/db/execute", "[[\"INSERT INTO w (id, d) VALUES (?, 'x')\", " + i + "]]"));
        }
        n.process().destroy();
        Thread.sleep(200); // the first SIGTERM's stop is under way (closing Ratis takes a snapshot)
        n.process().destroy();
        assertTrue(n.process().waitFor(60, TimeUnit.SECONDS), n.logTail());
        int code = n.process().exitValue();
        assertTrue(code == 143 || code == 0, "143 when halted by the second SIGTERM, 0 if the first stop was done: " + code);
        System.out.printf("second SIGTERM 200 ms after the first: exit status %d%n", code);
        n.restart();
        String count = n.get("/db/query?level=none&q=" + URLEncoder.encode("SELECT count(*) FROM w", StandardCharsets.UTF_8)).body();
        assertTrue(count.contains("[[200]]"), "every acknowledged write is there after the restart: " + count);
    }

    /** The stopped node's log lines about its last stop, to see where the time went. */
    private static List<String> stopLog(NodeProcess n) throws Exception {
        List<String> lines = Files.readAllLines(n.log);
        int from = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("SIGTERM: stopping")) {
                from = i;
            }
        }
        return lines.subList(from, lines.size()).stream().filter(l -> l.contains("SIGTERM") || l.contains("leadership")
                || l.contains("stopped in") || l.contains("graceful") || l.contains("WARN")).toList();
    }

    private void startCluster() throws Exception {
        NodeProcess n1 = NodeProcess.start("127.0.0.181", tmp.resolve("n1"), "-node-id", "n1");
        nodes.add(n1);
        String join = "127.0.0.181:" + n1.raftPort;
        nodes.add(NodeProcess.start("127.0.0.182", tmp.resolve("n2"), "-node-id", "n2", "-join", join));
        nodes.add(NodeProcess.start("127.0.0.183", tmp.resolve("n3"), "-node-id", "n3", "-join", join));
        awaitVoters(3);
    }

    private static void write(NodeProcess target, AtomicBoolean stop, AtomicLong nextId, Set<Long> acknowledged,
                              Map<String, Integer> outcomes) {
        while (!stop.get()) {
            long id = nextId.getAndIncrement();
            String outcome;
            try {
                HttpResponse<String> r = target.post("/db/execute", "[[\"INSERT INTO w (id, d) VALUES (?, 'x')\", " + id + "]]");
                if (r.statusCode() == 200 && !r.body().contains("error")) {
                    acknowledged.add(id);
                    outcome = "200";
                } else {
                    outcome = r.statusCode() + " " + r.body().substring(0, Math.min(60, r.body().length())).strip();
                }
            } catch (Exception e) {
                outcome = e.getClass().getSimpleName() + ": " + e.getMessage();
                sleepQuietly(20); // refused: the node is gone
            }
            synchronized (outcomes) {
                outcomes.merge(outcome, 1, Integer::sum);
            }
        }
    }

    /** Every acknowledged id is in the survivor's database (a linearizable read there, retried while a leader is elected). */
    private static void assertAllPresent(NodeProcess survivor, Set<Long> acknowledged) throws Exception {
        String sql = URLEncoder.encode("SELECT id FROM w", StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String body = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = survivor.get("/db/query?level=linearizable&q=" + sql);
                body = r.body();
                if (r.statusCode() == 200 && !body.contains("error")) {
                    break;
                }
            } catch (Exception e) {
                body = e.toString();
            }
            Thread.sleep(100);
        }
        for (long id : acknowledged) {
            assertTrue(body.contains("[" + id + "]"), "acknowledged write " + id + " missing on " + survivor.host
                    + ": " + body.substring(0, Math.min(300, body.length())));
        }
    }

    private NodeProcess leader() throws Exception {
        for (int i = 0; i < 600; i++) {
            for (NodeProcess n : nodes) {
                try {
                    if (n.isAlive() && n.get("/status").body().contains("\"state\":\"Leader\"")
                            && n.get("/readyz").statusCode() == 200) {
                        return n;
                    }
                } catch (Exception e) {
                    // not answering: try the next
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no leader");
    }

    private void awaitVoters(int voters) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (nodes.get(0).get("/nodes?ver=2").body().split("\"voter\":true").length - 1 == voters
                        && nodes.stream().allMatch(LeaderShutdownIT::ready)) {
                    return;
                }
            } catch (Exception e) {
                // retry
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not " + voters + " ready voters within 60 s");
    }

    private static boolean ready(NodeProcess n) {
        try {
            return n.get("/readyz").statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

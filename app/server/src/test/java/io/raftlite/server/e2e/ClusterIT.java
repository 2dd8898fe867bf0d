package io.raftlite.server.e2e;

import io.raftlite.core.json.Json;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static io.raftlite.server.e2e.CrashRecoveryIT.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three real processes on 127.0.0.11-13 joined with -join; forwarding, failover under kill -9, restarts. */
class ClusterIT extends ProcessFixture {

    private void startCluster(String... extra) throws Exception {
        NodeProcess n1 = NodeProcess.start("127.0.0.11", tmp.resolve("n1"), with(extra, "-node-id", "n1"));
        nodes.add(n1);
        NodeProcess n2 = NodeProcess.start("127.0.0.12", tmp.resolve("n2"),
                with(extra, "-node-id", "n2", "-join", "127.0.0.11:" + n1.raftPort));
        nodes.add(n2);
        // the third joins through a follower, which passes the join on to the leader
        NodeProcess n3 = NodeProcess.start("127.0.0.13", tmp.resolve("n3"),
                with(extra, "-node-id", "n3", "-join", "127.0.0.12:" + n2.raftPort + ",127.0.0.11:" + n1.raftPort));
        nodes.add(n3);
        // n2 joined as a listener (a two-node cluster has one voter); the leader promotes it once n3 is in
        await("three voters", () -> {
            try {
                return n1.get("/nodes?ver=2").body().split("\"voter\":true").length - 1 == 3;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static String[] with(String[] extra, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    @Test
    void followersForwardWritesAndEveryNodeServesLocalReads() throws Exception {
        startCluster();
        NodeProcess follower = nodes.get(2);
        assertTrue(!isLeader(follower));
        ok(follower.post("/db/execute", "[\"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)\", "
                + "\"INSERT INTO t(v) VALUES ('from a follower')\"]"));
        for (NodeProcess n : nodes) {
            await("the write reaches " + n.host, () -> query(n, "none", "SELECT v FROM t").contains("from a follower"));
        }
        // weak, linearizable and strong reads on a follower are served with the leader's data
        for (String level : new String[]{"weak", "linearizable", "strong"}) {
            assertTrue(query(follower, level, "SELECT v FROM t").contains("from a follower"), level);
        }
        // redirect: 301 to the leader's API instead of forwarding
        HttpResponse<String> redirected = follower.post("/db/execute?redirect", "[\"INSERT INTO t(v) VALUES ('x')\"]");
        assertEquals(301, redirected.statusCode(), redirected.body());
        NodeProcess leader = leader();
        assertEquals("http://" + leader.host + ":" + leader.httpPort + "/db/execute?redirect",
                redirected.headers().firstValue("Location").orElseThrow());
        String leaderSeenByFollower = follower.get("/leader").body();
        assertTrue(leaderSeenByFollower.contains("\"api_addr\":\"http://" + leader.host + ":" + leader.httpPort + "\"")
                && leaderSeenByFollower.contains("\"leader\":true"), leaderSeenByFollower);
        String members = follower.get("/nodes?ver=2").body();
        assertEquals(3, members.split("\"reachable\":true").length - 1, members);
        assertEquals(1, members.split("\"leader\":true").length - 1, members);
        assertTrue(members.contains("\"api_addr\":\"http://127.0.0.11:" + nodes.get(0).httpPort + "\""), members);

        // a read replica: receives the whole log, serves level=auto locally, forwards writes, never votes
        NodeProcess replica = NodeProcess.start("127.0.0.14", tmp.resolve("n4"), "-node-id", "n4", "-raft-non-voter",
                "-join", "127.0.0.11:" + nodes.get(0).raftPort);
        nodes.add(replica);
        await("the replica has the data", () -> query(replica, "auto", "SELECT v FROM t").contains("from a follower"));
        ok(replica.post("/db/execute", "[\"INSERT INTO t(v) VALUES ('via the replica')\"]"));
        for (NodeProcess n : nodes) {
            await("the replica's write reaches " + n.host, () -> query(n, "none", "SELECT v FROM t").contains("via the replica"));
        }
        String replicaStatus = replica.get("/status").body();
        assertTrue(replicaStatus.contains("\"state\":\"Follower\"") && replicaStatus.contains("\"role\":\"Listener\""),
                "rqlite's state, raftlite's role: " + replicaStatus);
        String voters = follower.get("/nodes?ver=2").body();
        assertTrue(!voters.contains("\"id\":\"n4\""), "/nodes lists voters only unless nonvoters: " + voters);
        String all = follower.get("/nodes?ver=2&nonvoters").body();
        assertTrue(all.matches(".*\\{\"id\":\"n4\",\"api_addr\":\"http://127\\.0\\.0\\.14:" + replica.httpPort
                + "\",\"addr\":\"127\\.0\\.0\\.14:" + replica.raftPort + "\",\"version\":\"[^\"]+\",\"voter\":false,"
                + "\"reachable\":true,\"leader\":false,\"time\":[0-9.e-]+,\"time_s\":\"[0-9.]+(ns|µs|ms|s)\"}.*"), all);
    }

    @Test
    void killingTheLeaderLosesNoAcknowledgedWriteAndReplicasEndIdentical() throws Exception {
        startCluster("-raft-snap", "100");
        ok(nodes.get(0).post("/db/execute", "[\"CREATE TABLE w (id INTEGER PRIMARY KEY, r INTEGER, at TEXT DEFAULT CURRENT_TIMESTAMP, d TEXT)\"]"));
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicLong nextId = new AtomicLong(1);
        for (int round = 0; round < 2; round++) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong lastAck = new AtomicLong();
            ExecutorService writers = Executors.newFixedThreadPool(3);
            for (NodeProcess target : nodes) {
                writers.submit(() -> write(target, stop, nextId, acknowledged, lastAck));
            }
            Thread.sleep(1500);
            NodeProcess leader = leader();
            leader.kill9(); // returns once the process is gone, so no later acknowledgement can come from it
            long killedAt = System.nanoTime();
            await("a new leader takes writes", () -> lastAck.get() > killedAt);
            System.out.printf("round %d: failover (kill -9 -> first acknowledged write on the new leader) %d ms%n",
                    round, (lastAck.get() - killedAt) / 1_000_000);
            Thread.sleep(1000);
            leader.restart();
            Thread.sleep(500);
            stop.set(true);
            writers.shutdown();
            assertTrue(writers.awaitTermination(60, TimeUnit.SECONDS));
        }
        assertTrue(acknowledged.size() > 50, "too few writes to mean anything: " + acknowledged.size());
        String reference = dumpWhenConverged();
        for (long id : acknowledged) {
            assertTrue(reference.contains("INSERT INTO \"w\" VALUES(" + id + ","), "acknowledged row " + id + " lost");
        }
        // and all nodes restarted at once with their original command lines come back as the same cluster
        for (NodeProcess n : nodes) {
            assertEquals(0, n.stop());
        }
        for (NodeProcess n : nodes) {
            n.launch();
        }
        for (NodeProcess n : nodes) {
            n.awaitReady(java.time.Duration.ofSeconds(60));
        }
        ok(nodes.get(1).post("/db/execute", "[\"INSERT INTO w (r) VALUES (random())\"]"));
        String afterRestart = dumpWhenConverged();
        assertTrue(afterRestart.startsWith(reference.substring(0, reference.lastIndexOf("COMMIT;"))),
                "the restarted cluster kept its data");
    }

    private static void write(NodeProcess target, AtomicBoolean stop, AtomicLong nextId, Set<Long> acknowledged,
                              AtomicLong lastAck) {
        while (!stop.get()) {
            long id = nextId.getAndIncrement();
            try {
                HttpResponse<String> r = target.post("/db/execute",
                        "[[\"INSERT INTO w (id, r, d) VALUES (?, random(), strftime('%Y-%m-%d %H:%M:%f', 'now'))\", "
                                + id + "]]");
                if (r.statusCode() == 200 && !r.body().contains("error")) {
                    acknowledged.add(id);
                    lastAck.accumulateAndGet(System.nanoTime(), Math::max);
                }
            } catch (Exception e) {
                sleepQuietly(100); // that node is down for now
            }
        }
    }

    /** Waits until every node's SQL dump is the same, and returns it. */
    private String dumpWhenConverged() throws Exception {
        String[] last = new String[1];
        await(() -> "all replicas identical; nodes:\n" + describeNodes(), () -> {
            List<String> dumps = new ArrayList<>();
            for (NodeProcess n : nodes) {
                try {
                    dumps.add(n.get("/db/backup?fmt=sql").body());
                } catch (Exception e) {
                    return false;
                }
            }
            last[0] = dumps.get(0);
            return dumps.stream().distinct().count() == 1;
        });
        return last[0];
    }

    private NodeProcess leader() throws Exception {
        for (int i = 0; i < 200; i++) {
            for (NodeProcess n : nodes) {
                if (n.isAlive() && isLeader(n)) {
                    return n;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no leader");
    }

    private static boolean isLeader(NodeProcess n) {
        try {
            return n.get("/status").body().contains("\"state\":\"Leader\"");
        } catch (Exception e) {
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static String query(NodeProcess n, String level, String sql) {
        try {
            HttpResponse<String> r = n.get("/db/query?level=" + level + "&q=" + URLEncoder.encode(sql, StandardCharsets.UTF_8));
            Map<String, Object> body = (Map<String, Object>) Json.parse(r.body().getBytes(StandardCharsets.UTF_8));
            return String.valueOf(body.get("results"));
        } catch (Exception e) {
            return "";
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(() -> what, condition);
    }

    private static void await(java.util.function.Supplier<String> what, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what.get());
            }
            Thread.sleep(50);
        }
    }

    /** Each node's Raft state, row count and log tail, for a failure message. */
    private String describeNodes() {
        StringBuilder sb = new StringBuilder();
        List<List<String>> dumps = new ArrayList<>();
        for (NodeProcess n : nodes) {
            try {
                dumps.add(n.get("/db/backup?fmt=sql").body().lines().toList());
            } catch (Exception e) {
                dumps.add(List.of("(no dump: " + e + ")"));
            }
        }
        for (int i = 1; i < dumps.size(); i++) {
            List<String> a = dumps.get(0);
            List<String> b = dumps.get(i);
            for (int line = 0; line < Math.max(a.size(), b.size()); line++) {
                String x = line < a.size() ? a.get(line) : "(end)";
                String y = line < b.size() ? b.get(line) : "(end)";
                if (!x.equals(y)) {
                    sb.append("dump of node 1 and node ").append(i + 1).append(" differ at line ").append(line + 1)
                            .append(":\n  ").append(x).append("\n  ").append(y).append('\n');
                    break;
                }
            }
        }
        for (NodeProcess n : nodes) {
            sb.append("== ").append(n.host).append(" alive=").append(n.isAlive()).append('\n');
            try {
                String status = n.get("/status").body();
                int raft = status.indexOf("\"raft\":");
                sb.append(raft < 0 ? status : status.substring(raft, Math.min(status.length(), raft + 220))).append('\n');
            } catch (Exception e) {
                sb.append("status: ").append(e).append('\n');
            }
            sb.append(query(n, "none", "SELECT COUNT(*), MAX(id) FROM w")).append('\n');
            String tail = n.logTail();
            sb.append(tail, Math.max(0, tail.length() - 3000), tail.length()).append('\n');
        }
        return sb.toString();
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.raftlite.server.e2e;

import io.raftlite.core.api.GoDuration;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rqlite operator parity on three real processes (127.0.21.1-3): {@code /nodes} and {@code /leader} entries
 * carry rqlite's {@code version}, {@code time} and {@code time_s}; stepdown with {@code POST /leader}, to a
 * named voter or to any other one, from any node.
 */
class ParityIT extends ProcessFixture {

    /** rqlite's node object: {@code "version"} before {@code "voter"}, {@code time} (s) and Go's {@code time_s}. */
    private static final Pattern NODE = Pattern.compile("\\{\"id\":\"(n[123])\",\"api_addr\":\"http://127\\.0\\.21\\.[123]:"
            + "\\d+\",\"addr\":\"127\\.0\\.21\\.[123]:\\d+\",\"version\":\"([^\"]+)\",\"voter\":true,\"reachable\":true,"
            + "\"leader\":(true|false),\"time\":([0-9.e-]+),\"time_s\":\"([0-9.]+(ns|µs|ms|s))\"}");

    @Test
    void nodeEntriesCarryVersionAndProbeTimeAndPostLeaderStepsDown() throws Exception {
        startCluster();
        NodeProcess n1 = nodes.get(0);
        NodeProcess n2 = nodes.get(1);
        awaitLeader(n1, "n1");
        // the third join is followed by the second node's promotion to voter (the balancer; a node is ready
        // as soon as it is in the configuration, which may be before that)
        awaitCondition("three voters", () -> {
            try {
                return n2.get("/nodes?ver=2").body().split("\"voter\":true").length == 4;
            } catch (Exception e) {
                return false;
            }
        });
        String version = n2.get("/status").body().replaceAll("(?s).*\"build\":\\{\"version\":\"([^\"]+)\".*", "$1");
        Matcher m = NODE.matcher(n2.get("/nodes?ver=2").body());
        int entries = 0;
        while (m.find()) {
            entries++;
            assertEquals(version, m.group(2), "each node reports the version it runs");
            assertTrue(Double.parseDouble(m.group(4)) > 0 && Double.parseDouble(m.group(4)) < 5, m.group());
            assertEquals(Duration.ofNanos(Math.round(Double.parseDouble(m.group(4)) * 1e9)).toMillis(),
                    GoDuration.parse(m.group(5)).toMillis(), "time and time_s are the same probe: " + m.group());
        }
        assertEquals(3, entries, n2.get("/nodes?ver=2").body());
        String leader = n2.get("/leader").body();
        assertTrue(NODE.matcher(leader).matches() && leader.startsWith("{\"id\":\"n1\""), leader);

        HttpResponse<String> moved = n2.post("/leader", "{\"id\":\"n3\"}"); // asked of a follower
        assertEquals(200, moved.statusCode(), moved.body());
        awaitLeader(n1, "n3");
        HttpResponse<String> any = n1.send("POST", "/leader", new byte[0], null);
        assertEquals(200, any.statusCode(), any.body());
        awaitCondition("leadership to leave n3", () -> leaderOf(n1).startsWith("\"id\":\"n") && !leaderOf(n1)
                .startsWith("\"id\":\"n3\""));
        HttpResponse<String> unknown = n1.post("/leader", "{\"id\":\"nope\"}");
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals(400, n1.post("/leader", "{\"id\":").statusCode());
    }

    /** rqlite refuses {@code -raft-non-voter} without {@code -join} only for a node without state (issue 17, item 5). */
    @Test
    void aReadReplicaRestartsWithoutJoin() throws Exception {
        NodeProcess n1 = NodeProcess.start("127.0.21.4", tmp.resolve("r1"), "-node-id", "r1");
        nodes.add(n1);
        NodeProcess replica = NodeProcess.start("127.0.21.5", tmp.resolve("r2"), "-node-id", "r2", "-raft-non-voter",
                "-join", "127.0.21.4:" + n1.raftPort);
        nodes.add(replica);
        assertEquals(200, n1.post("/db/execute", "[\"CREATE TABLE t(x)\"]").statusCode());
        assertEquals(0, replica.stop());
        replica.launch("-node-id", "r2", "-raft-non-voter"); // no -join: it has Raft state
        replica.awaitReady(Duration.ofSeconds(60));
        assertEquals(200, n1.post("/db/execute", "[\"INSERT INTO t VALUES (7)\"]").statusCode());
        awaitCondition("the write on the replica", () -> {
            try {
                return replica.get("/db/query?level=none&q=SELECT+x+FROM+t").body().contains("[[7]]");
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(n1.get("/nodes?nonvoters").body().contains("\"voter\":false"), "still a read replica");
        NodeProcess.Result fresh = NodeProcess.run(Duration.ofSeconds(60), "-raft-non-voter",
                "-http-addr", "127.0.21.6:" + NodeProcess.freePort("127.0.21.6"),
                "-raft-addr", "127.0.21.6:" + NodeProcess.freePort("127.0.21.6"), tmp.resolve("fresh").toString());
        assertTrue(fresh.exitCode() != 0 && fresh.stderr().contains("-raft-non-voter needs -join or -disco-mode"),
                fresh.exitCode() + " " + fresh.stderr());
    }

    private void startCluster() throws Exception {
        NodeProcess n1 = NodeProcess.start("127.0.21.1", tmp.resolve("n1"), "-node-id", "n1");
        nodes.add(n1);
        String join = "127.0.21.1:" + n1.raftPort;
        nodes.add(NodeProcess.start("127.0.21.2", tmp.resolve("n2"), "-node-id", "n2", "-join", join));
        nodes.add(NodeProcess.start("127.0.21.3", tmp.resolve("n3"), "-node-id", "n3", "-join", join));
    }

    /** The leader's JSON as {@code GET /leader} shows it, from {@code "id"} on; empty when it fails. */
    private static String leaderOf(NodeProcess n) {
        try {
            HttpResponse<String> r = n.get("/leader");
            return r.statusCode() == 200 ? r.body().substring(1) : "";
        } catch (Exception e) {
            return "";
        }
    }

    private static void awaitLeader(NodeProcess n, String id) throws InterruptedException {
        awaitCondition("leader " + id, () -> leaderOf(n).startsWith("\"id\":\"" + id + "\""));
    }

    private static void awaitCondition(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

}

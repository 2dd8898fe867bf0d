package io.raftlite.server.e2e;

import io.raftlite.core.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static io.raftlite.server.e2e.CrashRecoveryIT.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code -bootstrap-expect}: real processes on 127.0.0.11-14 started at the same instant with the same command
 * line form one cluster; a later node with that command line joins; all restarted at once stay that cluster.
 */
class BootstrapExpectIT {

    @TempDir
    Path tmp;

    private final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (NodeProcess n : nodes) {
            n.close();
        }
    }

    @Test
    void threeNodesStartedTogetherFormOneClusterAFourthJoinsAndAllRestartAsTheSameCluster() throws Exception {
        for (int i = 1; i <= 3; i++) {
            nodes.add(NodeProcess.prepare("127.0.0.1" + i, tmp.resolve("n" + i)));
        }
        String join = nodes.stream().map(n -> n.host + ":" + n.raftPort).collect(Collectors.joining(","));
        for (int i = 0; i < 3; i++) { // node ids default to the advertised Raft address: the same arguments
            nodes.get(i).launch("-join", join, "-bootstrap-expect", "3");
        }
        for (NodeProcess n : nodes) {
            n.awaitReady(Duration.ofSeconds(120));
        }
        NodeProcess leader = soleLeader();
        NodeProcess follower = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
        assertEquals(members(nodes.subList(0, 3)), members(follower), "one group with all three");
        ok(follower.post("/db/execute", "[\"CREATE TABLE t (v TEXT)\", \"INSERT INTO t(v) VALUES ('via a follower')\"]"));
        for (NodeProcess n : nodes) {
            await("the write on " + n.host, () -> query(n, "SELECT v FROM t").contains("via a follower"));
        }
        String groupId = groupId(leader);

        NodeProcess fourth = NodeProcess.prepare("127.0.0.14", tmp.resolve("n4"));
        nodes.add(fourth);
        fourth.launch("-join", join, "-bootstrap-expect", "3");
        fourth.awaitReady(Duration.ofSeconds(120));
        await("the fourth node has the data", () -> query(fourth, "SELECT v FROM t").contains("via a follower"));
        await("the fourth node is a member", () -> members(leader).equals(members(nodes)));
        assertEquals(groupId, groupId(fourth));

        for (NodeProcess n : nodes) {
            assertEquals(0, n.stop());
        }
        for (NodeProcess n : nodes) {
            n.launch(); // the original command lines, all at once
        }
        for (NodeProcess n : nodes) {
            n.awaitReady(Duration.ofSeconds(120));
        }
        NodeProcess after = soleLeader();
        for (NodeProcess n : nodes) {
            assertEquals(groupId, groupId(n));
            assertEquals(members(nodes), members(n), "the same members after the restart");
            assertTrue(query(n, "SELECT v FROM t").contains("via a follower"), "the data survived on " + n.host);
        }
        ok(nodes.get(3).post("/db/execute", "[\"INSERT INTO t(v) VALUES ('after the restart')\"]"));
        for (NodeProcess n : nodes) {
            await("the new write on " + n.host, () -> query(n, "SELECT v FROM t").contains("after the restart"));
        }
        assertTrue(after.isAlive());
    }

    @Test
    void tooFewNodesEndTheProcessWithOneLine() throws Exception {
        String host = "127.0.0.15";
        String self = host + ":" + NodeProcess.freePort(host);
        String dead = host + ":" + NodeProcess.freePort(host);
        NodeProcess.Result r = NodeProcess.run(Duration.ofSeconds(90), "-http-addr", host + ":" + NodeProcess.freePort(host),
                "-raft-addr", self, "-join", self + "," + dead, "-bootstrap-expect", "2",
                "-bootstrap-expect-timeout", "3s", tmp.resolve("lonely").toString());
        assertEquals(1, r.exitCode(), r.stderr());
        assertEquals(1, r.stderr().strip().lines().count(), "one line: " + r.stderr());
        assertTrue(r.stderr().startsWith("raftlite: could not start: bootstrap-expect 2: only 1 of 2 nodes found via ["
                + self + ", " + dead + "] within 3s"), r.stderr());
        assertFalse(r.stderr().contains("Exception"), r.stderr());
    }

    /** Exactly one node reports itself leader (waiting for an election to settle). */
    private NodeProcess soleLeader() throws Exception {
        List<NodeProcess> leaders = new ArrayList<>();
        await("exactly one leader", () -> {
            leaders.clear();
            for (NodeProcess n : nodes) {
                if (status(n).contains("\"state\":\"Leader\"")) {
                    leaders.add(n);
                }
            }
            return leaders.size() == 1;
        });
        return leaders.get(0);
    }

    /** The members' Raft addresses as {@code node} sees them, voters and read replicas. */
    @SuppressWarnings("unchecked")
    private static Set<String> members(NodeProcess node) {
        try {
            Map<String, Object> body = (Map<String, Object>) Json.parse(
                    node.get("/nodes?ver=2&nonvoters").body().getBytes(StandardCharsets.UTF_8));
            return ((List<Map<String, Object>>) body.get("nodes")).stream().map(m -> (String) m.get("addr"))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (Exception e) {
            return Set.of();
        }
    }

    private static Set<String> members(List<NodeProcess> expected) {
        return expected.stream().map(n -> n.host + ":" + n.raftPort).collect(Collectors.toCollection(TreeSet::new));
    }

    @SuppressWarnings("unchecked")
    private static String groupId(NodeProcess n) throws Exception {
        Map<String, Object> body = (Map<String, Object>) Json.parse(n.get("/status").body().getBytes(StandardCharsets.UTF_8));
        Map<String, Object> store = (Map<String, Object>) body.get("store");
        return String.valueOf(((Map<String, Object>) store.get("raft")).get("group_id"));
    }

    private static String status(NodeProcess n) {
        try {
            return n.get("/status").body();
        } catch (Exception e) {
            return "";
        }
    }

    @SuppressWarnings("unchecked")
    private static String query(NodeProcess n, String sql) {
        try {
            String body = n.get("/db/query?level=none&q=" + URLEncoder.encode(sql, StandardCharsets.UTF_8)).body();
            return String.valueOf(((Map<String, Object>) Json.parse(body.getBytes(StandardCharsets.UTF_8))).get("results"));
        } catch (Exception e) {
            return "";
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(50);
        }
    }
}

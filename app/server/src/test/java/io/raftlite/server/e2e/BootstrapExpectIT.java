package io.raftlite.server.e2e;

import io.raftlite.core.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.raftlite.server.e2e.CrashRecoveryIT.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code -bootstrap-expect}: real processes on 127.0.0.11-14 started at the same instant with the same command
 * line form one cluster; a later node with that command line joins; all restarted at once stay that cluster.
 */
class BootstrapExpectIT extends DiscoveryScenarios {

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

    private static Set<String> members(List<NodeProcess> expected) {
        return expected.stream().map(n -> n.host + ":" + n.raftPort).collect(Collectors.toCollection(TreeSet::new));
    }

    @SuppressWarnings("unchecked")
    private static String groupId(NodeProcess n) throws Exception {
        Map<String, Object> body = (Map<String, Object>) Json.parse(n.get("/status").body().getBytes(StandardCharsets.UTF_8));
        Map<String, Object> store = (Map<String, Object>) body.get("store");
        return String.valueOf(((Map<String, Object>) store.get("raft")).get("group_id"));
    }
}

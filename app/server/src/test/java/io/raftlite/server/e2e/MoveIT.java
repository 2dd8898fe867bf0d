package io.raftlite.server.e2e;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.raftlite.server.e2e.CrashRecoveryIT.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rqlite's join rule with real processes: a node id that comes back at a new Raft address (its host was
 * replaced: killed, data lost, new IP) replaces its old entry instead of being refused or added twice.
 */
class MoveIT extends DiscoveryScenarios {

    @Test
    void aNodeIdBackAtANewAddressReplacesItsOldEntry() throws Exception {
        NodeProcess n1 = NodeProcess.start("127.0.0.161", tmp.resolve("n1"), "-node-id", "n1");
        nodes.add(n1);
        String via = n1.host + ":" + n1.raftPort;
        NodeProcess n2 = NodeProcess.start("127.0.0.162", tmp.resolve("n2"), "-node-id", "n2", "-join", via);
        nodes.add(n2);
        NodeProcess n3 = NodeProcess.start("127.0.0.163", tmp.resolve("n3"), "-node-id", "n3", "-join", via);
        nodes.add(n3);
        List<NodeProcess> before = List.of(n1, n2, n3);
        await("three members", () -> members(n1).size() == 3);
        ok(n1.post("/db/execute", "[\"CREATE TABLE t (v TEXT)\", \"INSERT INTO t(v) VALUES ('before the move')\"]"));
        for (NodeProcess n : before) {
            await("the first write on " + n.host, () -> query(n, "SELECT v FROM t").contains("before the move"));
        }

        n3.kill9(); // the host dies with its disk; a replacement comes up with the same id and another address
        deleteTree(n3.dataDir);
        NodeProcess moved = NodeProcess.start("127.0.0.164", tmp.resolve("n3-new"), "-node-id", "n3", "-join", via);
        nodes.add(moved);

        Set<String> expected = new TreeSet<>(Set.of(n1.host + ":" + n1.raftPort, n2.host + ":" + n2.raftPort,
                moved.host + ":" + moved.raftPort));
        for (NodeProcess n : List.of(n1, n2, moved)) {
            await("n3 listed once, at its new address, on " + n.host, () -> members(n).equals(expected));
        }
        await("the moved node has the old data", () -> query(moved, "SELECT v FROM t").contains("before the move"));
        long t0 = System.nanoTime();
        String last = "";
        while (System.nanoTime() - t0 < java.util.concurrent.TimeUnit.SECONDS.toNanos(60)) {
            last = moved.post("/db/execute", "[\"INSERT INTO t(v) VALUES ('after the move')\"]").body();
            if (!last.contains("error")) {
                break;
            }
        }
        System.out.println("[move] first write through the moved node acknowledged "
                + (System.nanoTime() - t0) / 1_000_000 + " ms after its join returned; last answer " + last);
        if (last.contains("error")) {
            throw new AssertionError(last + "\n--- n1\n" + n1.logTail() + "\n--- n2\n" + n2.logTail()
                    + "\n--- moved n3\n" + moved.logTail());
        }
        for (NodeProcess n : List.of(n1, n2, moved)) {
            await("the new write on " + n.host, () -> query(n, "SELECT v FROM t").contains("after the move"));
        }
        assertTrue(moved.get("/readyz").statusCode() == 200);
        assertEquals(3, members(n2).size());
    }
}

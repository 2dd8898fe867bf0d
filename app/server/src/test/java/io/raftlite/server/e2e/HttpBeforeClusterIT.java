package io.raftlite.server.e2e;

import io.raftlite.core.json.Json;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import static io.raftlite.server.e2e.CrashRecoveryIT.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * rqlite starts its HTTP API before the node is in a cluster (issue 17, item 1). Real processes on
 * 127.0.26.1-5: rqlite's Kubernetes-style start (three nodes with {@code -bootstrap-expect 3}, each launched only
 * once the previous one's {@code /readyz?noleader} answers 200), the waiting node's answers, and a join that
 * never succeeds ending the process after its API was up.
 */
class HttpBeforeClusterIT extends DiscoveryScenarios {

    @Test
    void nodesStartedOneAfterAnotherOnNoleaderProbesFormOneCluster() throws Exception {
        for (int i = 1; i <= 3; i++) {
            nodes.add(NodeProcess.prepare("127.0.26." + i, tmp.resolve("n" + i)));
        }
        String join = nodes.stream().map(n -> n.host + ":" + n.raftPort).collect(Collectors.joining(","));
        NodeProcess first = nodes.get(0);
        first.launch("-join", join, "-bootstrap-expect", "3");
        awaitNoleader(first);

        // the first node waits for its peers, and says so
        HttpResponse<String> readyz = first.get("/readyz");
        assertEquals(503, readyz.statusCode());
        assertEquals("[+]node ok\n[+]leader does not exist", readyz.body());
        assertEquals("[+]node ok", first.get("/readyz?noleader").body());
        Map<String, Object> formation = formation(first);
        assertEquals("waiting", formation.get("state"), formation.toString());
        assertEquals("bootstrap-expect", formation.get("way"));
        await("the wait's progress in /status", () -> String.valueOf(formationUnchecked(first).get("detail"))
                .matches("waiting for 3 nodes via .*: [12] found.*"));
        HttpResponse<String> read = first.get("/db/query?q=SELECT+1");
        assertEquals(503, read.statusCode(), read.body());
        HttpResponse<String> write = first.post("/db/execute", "[\"CREATE TABLE t(x)\"]");
        assertEquals(503, write.statusCode(), write.body());
        assertEquals(200, first.get("/nodes").statusCode());

        for (NodeProcess n : nodes.subList(1, 3)) {
            n.launch("-join", join, "-bootstrap-expect", "3");
            awaitNoleader(n);
        }
        for (NodeProcess n : nodes) {
            n.awaitReady(Duration.ofSeconds(120));
        }
        ok(nodes.get(2).post("/db/execute", "[\"CREATE TABLE t(x)\", \"INSERT INTO t VALUES (1)\"]"));
        for (NodeProcess n : nodes) {
            await("the write on " + n.host, () -> query(n, "SELECT x FROM t").contains("[1]"));
            assertEquals("formed", formation(n).get("state"));
        }
    }

    @Test
    void aJoinThatNeverSucceedsEndsTheProcessAfterItsApiWasUp() throws Exception {
        String host = "127.0.26.5";
        String nobody = host + ":" + NodeProcess.freePort(host);
        NodeProcess lonely = NodeProcess.prepare(host, tmp.resolve("lonely"));
        nodes.add(lonely);
        lonely.launch("-join", nobody, "-join-timeout", "8s");
        awaitNoleader(lonely);
        Map<String, Object> formation = formation(lonely);
        assertEquals("joining", formation.get("way"), formation.toString());
        assertEquals(503, lonely.get("/readyz").statusCode());
        await("the process ends", () -> lonely.exitCode() != null);
        assertEquals(1, lonely.exitCode(), lonely.logTail());
    }

    private static void awaitNoleader(NodeProcess n) throws InterruptedException {
        await("/readyz?noleader on " + n.host, () -> {
            try {
                return n.get("/readyz?noleader").statusCode() == 200;
            } catch (Exception e) {
                return false; // not listening yet
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> formation(NodeProcess n) throws Exception {
        HttpResponse<String> status = n.get("/status");
        assertEquals(200, status.statusCode(), status.body());
        Map<String, Object> body = (Map<String, Object>) Json.parse(status.body().getBytes(StandardCharsets.UTF_8));
        Map<String, Object> formation = (Map<String, Object>) body.get("formation");
        assertNotNull(formation, status.body());
        return formation;
    }

    private static Map<String, Object> formationUnchecked(NodeProcess n) {
        try {
            return formation(n);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.raftlite.server.e2e;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL to the leader of a three-node cluster (127.0.3.30-32) while clients on the followers read at
 * {@code linearizable} and {@code strong}, write (forwarded) and list {@code /nodes}: during the election every
 * answer is a 2xx, a 503 or rqlite's timeout shape, never another 5xx (it was {@code 500 internal error:
 * StatusRuntimeException} for linearizable reads 40-90 ms after the kill). Three rounds.
 */
class LeaderKillIT extends ProcessFixture {

    private static final String[] REQUESTS = {
            "GET /db/query?level=linearizable&q=SELECT+count(*)+FROM+t",
            "POST /db/query?level=strong",
            "POST /db/execute",
            "GET /nodes?ver=2"};

    @Test
    void anElectionIsNever5xxOtherThan503() throws Exception {
        NodeProcess n1 = NodeProcess.start("127.0.3.30", tmp.resolve("n1"), "-node-id", "n1");
        nodes.add(n1);
        String join = "127.0.3.30:" + n1.raftPort;
        nodes.add(NodeProcess.start("127.0.3.31", tmp.resolve("n2"), "-node-id", "n2", "-join", join));
        nodes.add(NodeProcess.start("127.0.3.32", tmp.resolve("n3"), "-node-id", "n3", "-join", join));
        awaitLeader(null);
        assertEquals(200, n1.post("/db/execute", "[\"CREATE TABLE t(x)\"]").statusCode());
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int round = 1; round <= 3; round++) {
            NodeProcess leader = awaitLeader(null);
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            for (NodeProcess follower : nodes) {
                if (follower != leader) {
                    for (String request : REQUESTS) {
                        Thread t = new Thread(() -> hammer(follower, request, stop, outcomes, failures), request);
                        t.start();
                        clients.add(t);
                    }
                }
            }
            awaitOutcomes(outcomes, 20);
            leader.kill9();
            awaitLeader(leader);
            awaitOutcomes(outcomes, outcomes.values().stream().mapToInt(Integer::intValue).sum() + 40);
            stop.set(true);
            for (Thread t : clients) {
                t.join(60_000);
            }
            leader.restart();
        }
        System.out.println("LeaderKillIT: outcomes over 3 leader kills: " + new TreeMap<>(outcomes));
        assertTrue(failures.isEmpty(), "5xx other than 503: " + failures);
    }

    private static void hammer(NodeProcess node, String request, AtomicBoolean stop, Map<String, Integer> outcomes,
                               List<String> failures) {
        String[] methodAndPath = request.split(" ", 2);
        while (!stop.get()) {
            try {
                HttpResponse<String> r = methodAndPath[0].equals("GET") ? node.get(methodAndPath[1])
                        : node.post(methodAndPath[1], methodAndPath[1].startsWith("/db/execute")
                        ? "[\"INSERT INTO t VALUES(1)\"]" : "[\"SELECT count(*) FROM t\"]");
                outcomes.merge(methodAndPath[1].split("\\?")[0] + " " + r.statusCode(), 1, Integer::sum);
                if (r.statusCode() >= 500 && r.statusCode() != 503) {
                    failures.add(request + " -> " + r.statusCode() + " " + r.body());
                }
            } catch (Exception e) {
                outcomes.merge(methodAndPath[1].split("\\?")[0] + " " + e.getClass().getSimpleName(), 1, Integer::sum);
            }
        }
    }

    /** Waits until the clients have seen at least {@code total} answers (60 s at most). */
    private static void awaitOutcomes(Map<String, Integer> outcomes, int total) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (outcomes.values().stream().mapToInt(Integer::intValue).sum() < total && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}

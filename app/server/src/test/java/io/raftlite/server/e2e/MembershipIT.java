package io.raftlite.server.e2e;

import io.raftlite.core.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.raftlite.server.e2e.CrashRecoveryIT.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Five real processes on 127.0.0.41-45 with {@code -raft-max-voters 3}: a two-node cluster is one voter and one
 * listener; the third node makes three voters; the fourth and fifth are listeners; a killed voter removed
 * through a surviving follower is replaced by a listener, and writes still reach every node. And a leader
 * stopped with SIGTERM hands leadership over.
 */
class MembershipIT {

    @TempDir
    Path tmp;

    private final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stopAll(TestInfo test) throws Exception {
        NodeProcess.closeAll(nodes);
        // keep the node logs of the last run in target/ for diagnosis (the temporary directory is deleted)
        Path keep = Path.of("target", "membership-it-logs", test.getTestMethod().map(m -> m.getName()).orElse("test"));
        Files.createDirectories(keep);
        for (NodeProcess n : nodes) {
            Files.copy(n.log, keep.resolve(n.log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void listenersFillInForARemovedVoter() throws Exception {
        NodeProcess n1 = start(1, null);
        NodeProcess n2 = start(2, n1);
        await(() -> "one voter and one listener: " + roles(n1), () -> roles(n1).equals(Map.of("n1", true, "n2", false)));
        assertTrue(n2.get("/status").body().contains("\"role\":\"Listener\""), "a two-node cluster: n2 is a listener");

        start(3, n2); // through the listener, which passes the join on to the leader
        await(() -> "three voters: " + roles(n1), () -> roles(n1).equals(Map.of("n1", true, "n2", true, "n3", true)));
        start(4, n1);
        start(5, n1);
        await(() -> "the fourth and fifth are listeners: " + roles(n1), () -> roles(n1).equals(
                Map.of("n1", true, "n2", true, "n3", true, "n4", false, "n5", false)));
        ok(n1.post("/db/execute", "[\"CREATE TABLE t (v TEXT)\", \"INSERT INTO t(v) VALUES ('before')\"]"));

        NodeProcess leader = leader();
        List<NodeProcess> followers = nodes.stream()
                .filter(n -> n != leader && roles(leader).getOrDefault(id(n), false)).toList();
        assertEquals(2, followers.size());
        NodeProcess victim = followers.get(0);
        NodeProcess via = followers.get(1);
        victim.kill9();

        HttpResponse<String> unknown = via.send("DELETE", "/remove", "{\"id\": \"nobody\"}".getBytes(StandardCharsets.UTF_8),
                "application/json");
        assertEquals(404, unknown.statusCode(), unknown.body());
        HttpResponse<String> bad = via.send("DELETE", "/remove", "{\"id\": \"n1\", \"x\": 1}".getBytes(StandardCharsets.UTF_8),
                "application/json");
        assertEquals(400, bad.statusCode(), bad.body());

        HttpResponse<String> removed = via.send("DELETE", "/remove",
                ("{\"id\": \"" + id(victim) + "\"}").getBytes(StandardCharsets.UTF_8), "application/json");
        assertEquals(200, removed.statusCode(), removed.body());
        assertEquals("", removed.body());
        await(() -> "a listener promoted in place of " + id(victim) + ": " + roles(leader), () -> {
            Map<String, Boolean> r = roles(leader);
            return r.size() == 4 && !r.containsKey(id(victim))
                    && r.values().stream().filter(v -> v).count() == 3;
        });
        String promoted = roles(leader).entrySet().stream().filter(e -> e.getValue()
                && (e.getKey().equals("n4") || e.getKey().equals("n5"))).map(Map.Entry::getKey).findFirst().orElseThrow();
        NodeProcess listener = nodes.stream().filter(n -> n != victim && !roles(leader).get(id(n))).findFirst().orElseThrow();
        ok(listener.post("/db/execute", "[\"INSERT INTO t(v) VALUES ('after')\"]"));
        for (NodeProcess n : nodes) {
            if (n != victim) {
                await(() -> "the write reaches " + id(n), () -> query(n, "SELECT v FROM t").contains("after"));
            }
        }
        String status = nodes.get(Integer.parseInt(promoted.substring(1)) - 1).get("/status").body();
        assertTrue(!status.contains("\"role\":\"Listener\""), promoted + " runs as a voter: " + status);
        assertEquals(200, via.get("/nodes?nonvoters").statusCode());
    }

    /**
     * SIGTERM on the leader of three voters: it hands leadership to another voter before it exits (Ratis'
     * transferLeadership succeeded, as its log says) and that voter is the next leader, so the others did not
     * wait for an election timeout.
     */
    @Test
    void aLeaderStoppedWithSigtermHandsLeadershipOver() throws Exception {
        NodeProcess n1 = start(1, null);
        start(2, n1);
        start(3, n1);
        await(() -> "three voters: " + roles(n1), () -> roles(n1).equals(Map.of("n1", true, "n2", true, "n3", true)));
        NodeProcess leader = leader();
        assertEquals(0, leader.stop());
        String log = Files.readString(leader.log);
        // on a loaded machine an election can move leadership between finding the leader and the SIGTERM
        Assumptions.assumeFalse(log.contains("not the leader at stop"), "leadership moved before the SIGTERM");
        Matcher handover = Pattern.compile("leadership transfer to (n\\d) on stop: (\\S+)").matcher(log);
        assertTrue(handover.find(), "no handover logged:\n" + leader.logTail());
        assertEquals("done", handover.group(2), handover.group());
        NodeProcess next = leader();
        assertEquals(handover.group(1), id(next), "the transfer target leads");
        ok(next.post("/db/execute", "[\"CREATE TABLE after_handover (x)\"]"));
    }

    // ---- helpers

    private NodeProcess start(int n, NodeProcess via) throws Exception {
        List<String> args = new ArrayList<>(List.of("-node-id", "n" + n, "-raft-max-voters", "3"));
        if (via != null) {
            args.addAll(List.of("-join", via.host + ":" + via.raftPort));
        }
        NodeProcess node = NodeProcess.start("127.0.0.4" + n, tmp.resolve("n" + n), args.toArray(String[]::new));
        nodes.add(node);
        return node;
    }

    private static String id(NodeProcess n) {
        return "n" + n.host.substring(n.host.length() - 1);
    }

    /** Node id → voter, as {@code /nodes?nonvoters} on {@code n} lists them (empty when it does not answer). */
    @SuppressWarnings("unchecked")
    private static Map<String, Boolean> roles(NodeProcess n) {
        Map<String, Boolean> roles = new TreeMap<>();
        try {
            Map<String, Object> body = (Map<String, Object>) Json.parse(
                    n.get("/nodes?ver=2&nonvoters").body().getBytes(StandardCharsets.UTF_8));
            for (Object o : (List<Object>) body.get("nodes")) {
                Map<String, Object> node = (Map<String, Object>) o;
                roles.put((String) node.get("id"), (Boolean) node.get("voter"));
            }
        } catch (Exception e) {
            return Map.of();
        }
        return roles;
    }

    private NodeProcess leader() throws Exception {
        for (int i = 0; i < 600; i++) {
            for (NodeProcess n : nodes) {
                if (n.isAlive() && n.get("/status").body().contains("\"state\":\"Leader\"")) {
                    return n;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no leader");
    }

    @SuppressWarnings("unchecked")
    private static String query(NodeProcess n, String sql) {
        try {
            HttpResponse<String> r = n.get("/db/query?level=none&q=" + URLEncoder.encode(sql, StandardCharsets.UTF_8));
            Map<String, Object> body = (Map<String, Object>) Json.parse(r.body().getBytes(StandardCharsets.UTF_8));
            return String.valueOf(body.get("results"));
        } catch (Exception e) {
            return "";
        }
    }

    private static void await(Supplier<String> what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what.get());
            }
            Thread.sleep(100);
        }
    }
}

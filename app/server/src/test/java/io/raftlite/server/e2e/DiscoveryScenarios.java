package io.raftlite.server.e2e;

import io.raftlite.core.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/**
 * What every discovery end-to-end test does with real processes: launch nodes at the same instant with the
 * same discovery arguments, then check that exactly one cluster formed with every node in it. Subclasses
 * bring the store (etcd, the Consul KV server, dnsmasq).
 */
abstract class DiscoveryScenarios {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the nodes' logs and data to look at
    Path tmp;

    protected final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() throws Exception {
        NodeProcess.closeAll(nodes);
    }

    /** Prepares {@code n} nodes on {@code hostPrefix + i} (i = 1..n) in a fresh directory named {@code run}. */
    protected List<NodeProcess> prepare(String run, String hostPrefix, int n) throws Exception {
        List<NodeProcess> group = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            NodeProcess p = NodeProcess.prepare(hostPrefix + i, tmp.resolve(run).resolve("n" + i));
            Files.createDirectories(p.dataDir.getParent());
            group.add(p);
        }
        nodes.addAll(group);
        return group;
    }

    /** Launches every node at once with the same arguments; returns the milliseconds until all are ready. */
    protected static long launchTogether(List<NodeProcess> group, String... args) throws Exception {
        long start = System.nanoTime();
        for (NodeProcess n : group) {
            n.launch(args);
        }
        for (NodeProcess n : group) {
            n.awaitReady(Duration.ofSeconds(120));
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /**
     * Exactly one cluster: one leader among the group, every node sees the same members (all of them) and
     * the same group id, and a write through one node is read locally on all.
     */
    protected static void assertOneCluster(List<NodeProcess> group, String table) throws Exception {
        Set<String> all = group.stream().map(n -> n.host + ":" + n.raftPort).collect(Collectors.toCollection(TreeSet::new));
        await("every node sees all " + group.size() + " members", () -> group.stream().allMatch(n -> members(n).equals(all)));
        await("exactly one leader", () -> group.stream().filter(n -> status(n).contains("\"state\":\"Leader\"")).count() == 1);
        assertEquals(1, group.stream().map(DiscoveryScenarios::groupLeader).collect(Collectors.toSet()).size(),
                "every node names the same leader");
        NodeProcess last = group.get(group.size() - 1);
        ok(last.post("/db/execute", "[\"CREATE TABLE " + table + " (v TEXT)\", \"INSERT INTO " + table
                + "(v) VALUES ('one cluster')\"]"));
        for (NodeProcess n : group) {
            try {
                await("the write on " + n.host, () -> query(n, "SELECT v FROM " + table).contains("one cluster"));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; it answers " + rawQuery(n, "SELECT v FROM " + table)
                        + "\n" + diagnostics(group), e);
            }
        }
    }

    /** Each node's status and the end of its log, for a failure message. */
    protected static String diagnostics(List<NodeProcess> group) {
        StringBuilder b = new StringBuilder();
        for (NodeProcess n : group) {
            b.append("==== ").append(n.host).append(" (log ").append(n.log).append(")\n/status: ").append(status(n))
                    .append("\n").append(n.logTail()).append('\n');
        }
        return b.toString();
    }

    private static String rawQuery(NodeProcess n, String sql) {
        try {
            return n.get("/db/query?level=none&q=" + URLEncoder.encode(sql, StandardCharsets.UTF_8)).body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    @SuppressWarnings("unchecked")
    protected static Set<String> members(NodeProcess node) {
        try {
            Map<String, Object> body = (Map<String, Object>) Json.parse(
                    node.get("/nodes?ver=2&nonvoters").body().getBytes(StandardCharsets.UTF_8));
            return ((List<Map<String, Object>>) body.get("nodes")).stream().map(m -> (String) m.get("addr"))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (Exception e) {
            return Set.of();
        }
    }

    @SuppressWarnings("unchecked")
    protected static Map<String, Object> statusMap(NodeProcess n) {
        try {
            return (Map<String, Object>) Json.parse(n.get("/status").body().getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            return Map.of();
        }
    }

    @SuppressWarnings("unchecked")
    protected static Map<String, Object> disco(NodeProcess n) {
        Object d = statusMap(n).get("disco");
        return d instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static String groupLeader(NodeProcess n) {
        Map<String, Object> store = (Map<String, Object>) statusMap(n).get("store");
        return store == null ? "" : String.valueOf(((Map<String, Object>) store.get("leader")).get("node_id"));
    }

    protected static String status(NodeProcess n) {
        try {
            return n.get("/status").body();
        } catch (Exception e) {
            return "";
        }
    }

    @SuppressWarnings("unchecked")
    protected static String query(NodeProcess n, String sql) {
        try {
            String body = n.get("/db/query?level=none&q=" + URLEncoder.encode(sql, StandardCharsets.UTF_8)).body();
            return String.valueOf(((Map<String, Object>) Json.parse(body.getBytes(StandardCharsets.UTF_8))).get("results"));
        } catch (Exception e) {
            return "";
        }
    }

    protected static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(50);
        }
    }

    protected static void awaitLog(NodeProcess n, String text) throws InterruptedException {
        await("'" + text + "' in the log of " + n.host, () -> {
            try {
                return Files.exists(n.log) && Files.readString(n.log).contains(text);
            } catch (Exception e) {
                return false;
            }
        });
    }

    protected static void print(String line) {
        System.out.println("[discovery] " + line);
    }

    /** Deletes a node's data directory: its disk is lost. */
    protected static void deleteTree(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

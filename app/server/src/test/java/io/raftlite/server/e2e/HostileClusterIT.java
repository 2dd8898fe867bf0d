package io.raftlite.server.e2e;

import io.raftlite.server.e2e.PoisonCases.PoisonCase;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 12's poison cases on a 3-node cluster started with the shipped {@code JAVA_OPTS}: each case is sent to
 * one node in turn (the leader and followers, which forward), after each every node must be alive and ready
 * and see a write; at the end the replicas' SQL dumps must be byte-identical, and again after all three are
 * restarted (the log replays every poison entry). Failures are collected, not thrown, so one run lists all.
 */
class HostileClusterIT extends ProcessFixture {

    private static final Duration RECOVERY = Duration.ofSeconds(40);

    private int generation;

    @Test
    void poisonLeavesEveryReplicaAliveAndIdentical() throws Exception {
        long started = System.nanoTime();
        try (HostileTally tally = new HostileTally("HostileClusterIT", () -> List.copyOf(nodes))) {
            startCluster();
            Path scratch = Files.createDirectories(tmp.resolve("scratch"));
            List<PoisonCase> cases = PoisonCases.writePath();
            for (int i = 0; i < cases.size(); i++) {
                PoisonCase c = cases.get(i);
                NodeProcess target = nodes.get(i % nodes.size());
                if (!target.isAlive()) {
                    target = nodes.stream().filter(NodeProcess::isAlive).findFirst().orElseThrow();
                }
                long t0 = System.nanoTime();
                long before = tally.failureCount();
                try {
                    c.body().run(new CaseRun(c.name(), target, tally, scratch));
                } catch (Exception | AssertionError e) {
                    tally.fail(c.name(), target, "the case itself threw " + e);
                }
                if (!NodeHealth.check(tally, c.name(), target, nodes) && !recover(tally, c.name())) {
                    freshCluster(c.name());
                }
                System.out.printf("[hostile-cluster] case %-62s %s (%d ms)%n", "'" + c.name() + "'",
                        tally.failureCount() == before ? "ok" : "FAILED", (System.nanoTime() - t0) / 1_000_000);
            }
            identicalDumps(tally, "identical dumps after the poison cases");
            restartAll(tally);
            NodeHealth.check(tally, "all restarted", nodes.get(0), nodes);
            identicalDumps(tally, "identical dumps after restarting all three");
            System.out.printf("HostileClusterIT: %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
            tally.assertClean();
        }
    }

    /** A cluster that does not come back is recorded; the next cases run on a new one, so each case still tells. */
    private void freshCluster(String caseName) throws Exception {
        System.out.println("[hostile-cluster] " + caseName + ": the cluster does not recover; starting a new one");
        NodeProcess.closeAll(nodes);
        nodes.clear();
        generation++;
        startCluster();
    }

    private void startCluster() throws Exception {
        String[] jvm = HostileTarget.jvmOptions(tmp.resolve("jvm-tmp"));
        String g = generation == 0 ? "" : "g" + generation + "-";
        NodeProcess n1 = NodeProcess.prepare("127.0.5.11", tmp.resolve(g + "n1")).jvm(jvm);
        nodes.add(n1);
        n1.launch("-node-id", "n1");
        n1.awaitReady(Duration.ofSeconds(120));
        NodeProcess n2 = NodeProcess.prepare("127.0.5.12", tmp.resolve(g + "n2")).jvm(jvm);
        nodes.add(n2);
        n2.launch("-node-id", "n2", "-join", "127.0.5.11:" + n1.raftPort);
        n2.awaitReady(Duration.ofSeconds(120));
        NodeProcess n3 = NodeProcess.prepare("127.0.5.13", tmp.resolve(g + "n3")).jvm(jvm);
        nodes.add(n3);
        n3.launch("-node-id", "n3", "-join", "127.0.5.12:" + n2.raftPort + ",127.0.5.11:" + n1.raftPort);
        n3.awaitReady(Duration.ofSeconds(120));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (n1.get("/nodes?ver=2").body().split("\"voter\":true").length - 1 != 3) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the three nodes did not become voters: " + n1.get("/nodes?ver=2").body());
            }
            Thread.sleep(100);
        }
    }

    /** Restarts every node that is down or not ready, on its own data; records those that do not come back. */
    private boolean recover(HostileTally tally, String caseName) throws Exception {
        boolean all = true;
        for (NodeProcess n : nodes) {
            boolean ready;
            try {
                ready = n.isAlive() && n.get("/readyz").statusCode() == 200;
            } catch (Exception e) {
                ready = false;
            }
            if (ready) {
                continue;
            }
            tally.sampleRss(n);
            n.kill9();
            try {
                n.launch();
                n.awaitReady(RECOVERY);
            } catch (AssertionError e) {
                tally.fail(caseName + " / after a restart", n, "does not come back on its own data: "
                        + HostileTarget.firstLines(e.getMessage(), 3));
                n.kill9();
                all = false;
            }
        }
        return all && NodeHealth.check(tally, caseName + " / after a restart", nodes.get(0), nodes);
    }

    /** SIGTERM to all three, then all three started at once: the cluster must come back ready. */
    private void restartAll(HostileTally tally) throws Exception {
        for (NodeProcess n : nodes) {
            tally.sampleRss(n);
            try {
                if (n.isAlive()) {
                    n.stop();
                }
            } catch (AssertionError e) {
                tally.fail("restart all", n, HostileTarget.firstLines(e.getMessage(), 1));
            }
        }
        for (NodeProcess n : nodes) {
            n.launch();
        }
        for (NodeProcess n : nodes) {
            try {
                n.awaitReady(Duration.ofSeconds(90));
            } catch (AssertionError e) {
                tally.fail("restart all", n, "not ready after the restart: " + HostileTarget.firstLines(e.getMessage(), 3));
            }
        }
    }

    /** Waits (30 s at most) until every running node's {@code fmt=sql} dump is the same, byte for byte. */
    private void identicalDumps(HostileTally tally, String label) throws InterruptedException {
        List<NodeProcess> running = nodes.stream().filter(NodeProcess::isAlive).toList();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> dumps = NodeHealth.dumps(running);
        while (!(dumps.stream().distinct().count() == 1 && dumps.get(0).startsWith("200\n"))
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
            dumps = NodeHealth.dumps(running);
        }
        if (running.size() < nodes.size()) {
            tally.fail(label, null, (nodes.size() - running.size()) + " node(s) not running");
        }
        if (dumps.isEmpty() || dumps.stream().distinct().count() != 1 || !dumps.get(0).startsWith("200\n")) {
            tally.fail(label, null, "dumps differ or fail:\n" + firstDifference(dumps));
        } else {
            System.out.printf("[hostile-cluster] %s: %d bytes on each of %d nodes%n", label, dumps.get(0).length(),
                    running.size());
        }
    }

    private static String firstDifference(List<String> dumps) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < dumps.size(); i++) {
            List<String> a = dumps.get(0).lines().toList();
            List<String> b = dumps.get(i).lines().toList();
            for (int line = 0; line < Math.max(a.size(), b.size()); line++) {
                String x = line < a.size() ? a.get(line) : "(end)";
                String y = line < b.size() ? b.get(line) : "(end)";
                if (!x.equals(y) || line == 0 && !x.equals("200")) {
                    out.add("node " + (i + 1) + " line " + (line + 1) + ": " + abbreviate(y) + "   (node 1: " + abbreviate(x) + ")");
                    break;
                }
            }
        }
        return String.join("\n", out);
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}

package io.raftlite.server.faults;

import io.raftlite.discovery.tck.ExternalBinary;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 14's fault-injection run (see docs/testing.md). By default a short seeded run: 8 trials on one 3-node
 * cluster covering every fault type. A long run: {@code -Draftlite.faults.trials=300
 * -Draftlite.faults.nodes=3,5 -Draftlite.faults.seed=N}. Asserted: no acknowledged insert lost or
 * duplicated, every register history linearizable, no split brain, identical dumps, no 5xx but 503. Measured
 * and reported, not asserted: failover and convergence times, nodes that acknowledged no write after the cluster
 * recovered, log lines a second. The summary table goes to
 * stdout and to {@code target/faults/summary.md}. Needs root, ip, iptables and socat: skipped loudly without
 * them, and under {@code CI=true} that skip is a failure.
 */
class FaultIT {

    /** Snapshots every 64 entries in 16 KiB log segments: restarted and cut-off nodes catch up by snapshot. */
    private static final List<String> SNAPSHOTS = List.of("-raft-snap", "64", "-raft-log-segment-size", "16KiB");

    private final long seed = Long.getLong("raftlite.faults.seed", 20261206L);
    private final FaultTrial.Settings settings = new FaultTrial.Settings(Duration.ofSeconds(1),
            Duration.ofSeconds(Integer.getInteger("raftlite.faults.fault-seconds", 5)), Duration.ofSeconds(2),
            Duration.ofSeconds(5), 2, 3, 3);
    private final List<Nemesis.Fault> types = Arrays.stream(System.getProperty("raftlite.faults.types",
                    "kill,pause,isolate_leader,halves,bridge,one_way,membership").split(","))
            .map(t -> Nemesis.Fault.valueOf(t.strip().toUpperCase(Locale.ROOT))).toList();
    private final Random order = new Random(seed);
    private final long started = System.nanoTime();
    private final List<TrialResult> results = new ArrayList<>();
    private final List<String> findings = new ArrayList<>();
    private final List<String> serverErrors = new ArrayList<>();
    private final List<String> clusters = new ArrayList<>();

    @Test
    void acknowledgedWritesSurviveFaultsAndEveryRegisterStaysLinearizable() throws Exception {
        requireRootAndTools();
        int trials = Integer.getInteger("raftlite.faults.trials", 8);
        List<Integer> sizes = Arrays.stream(System.getProperty("raftlite.faults.nodes", "3").split(","))
                .map(String::strip).map(Integer::parseInt).toList();
        // data and logs stay in target/faults/nodes after the run (a failure's logs are the evidence)
        Path base = Path.of("target", "faults", "nodes");
        deleteTree(base);
        try {
            for (int size : sizes) {
                int perSize = Math.max(1, trials / sizes.size());
                // clusters per size: "default" (the shipped snapshot settings) and "snap" (SNAPSHOTS); a long run
                // splits its trials between both, a short one (CI) uses only "default" (the shipped settings; snap
                // runs are in docs/testing.md)
                List<List<String>> variants = Arrays.stream(System.getProperty("raftlite.faults.variants",
                        perSize >= 24 ? "default,snap" : "default").split(",")).map(String::strip)
                        .map(v -> v.equals("snap") ? SNAPSHOTS : List.<String>of()).toList();
                for (int v = 0; v < variants.size(); v++) {
                    int count = perSize / variants.size() + (v == 0 ? perSize % variants.size() : 0);
                    Path dir = Files.createDirectories(base.resolve("c" + size + "-" + v).toAbsolutePath());
                    runCluster(size, dir, extraArgs(variants.get(v)), schedule(count, types, order));
                }
            }
        } finally {
            report();
        }
        String summary = "(summary above and in target/faults/summary.md, seed " + seed + ")";
        assertEquals(0, results.stream().mapToInt(TrialResult::lost).sum(), "lost acknowledged inserts " + summary);
        assertEquals(0, results.stream().mapToInt(TrialResult::duplicated).sum(), "duplicated inserts " + summary);
        assertEquals(0, results.stream().mapToInt(TrialResult::violations).sum(), "linearizability " + summary);
        assertEquals(0, results.stream().mapToInt(TrialResult::splitBrain).sum(), "split brain " + summary);
        assertEquals(0, results.stream().filter(TrialResult::divergent).count(), "divergent dumps " + summary);
        assertEquals(List.of(), serverErrors, "5xx other than 503 " + summary);
    }

    /** One cluster, its trials in turn; a cluster that did not converge ends there (later trials would measure nothing). */
    private void runCluster(int size, Path dir, List<String> args, List<Nemesis.Fault> faults) throws Exception {
        FaultCluster c = FaultCluster.start(size, dir, args);
        try {
            for (int i = 0; i < faults.size(); i++) {
                int n = results.size() + 1;
                TrialResult r = FaultTrial.run(c, n, faults.get(i), seed, settings, line -> {
                    findings.add("trial " + n + ": " + line);
                    System.out.println("[faults] finding, trial " + n + ": " + line); // at once: a long run may not end
                });
                System.out.println("[faults] " + r.line());
                results.add(r);
                if (r.divergent()) {
                    findings.add("trial " + n + ": the cluster did not converge; its remaining "
                            + (faults.size() - i - 1) + " trials were skipped");
                    break;
                }
            }
        } finally {
            c.close();
            long installs = c.nodes.stream().mapToLong(x -> x.logLinesContaining("installed the leader's snapshot")).sum();
            clusters.add(size + " nodes " + (args.isEmpty() ? "default" : String.join(" ", args)) + ": "
                    + installs + " snapshot installs");
            serverErrors.addAll(c.serverErrors);
            c.splitBrain().forEach((term, who) -> findings.add("SPLIT BRAIN (" + size + " nodes): term " + term
                    + " led by " + who));
        }
    }

    private void report() throws IOException {
        String summary = summary();
        System.out.println(summary);
        Path out = Path.of("target", "faults", "summary.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, summary, StandardCharsets.UTF_8);
    }

    /** The cluster's extra arguments: the variant's, then any from -Draftlite.faults.node-args (space separated). */
    private static List<String> extraArgs(List<String> variant) {
        List<String> args = new ArrayList<>(variant);
        String more = System.getProperty("raftlite.faults.node-args", "").strip();
        if (!more.isEmpty()) {
            args.addAll(List.of(more.split("\\s+")));
        }
        return args;
    }

    /** {@code count} faults: every type in turn, each round in a seeded order. */
    private static List<Nemesis.Fault> schedule(int count, List<Nemesis.Fault> types, Random order) {
        List<Nemesis.Fault> out = new ArrayList<>();
        while (out.size() < count) {
            List<Nemesis.Fault> round = new ArrayList<>(types);
            Collections.shuffle(round, order);
            out.addAll(round.subList(0, Math.min(round.size(), count - out.size())));
        }
        return out;
    }

    private String summary() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "## Fault-injection run: seed %d, %d trials, %.0f s (faults held %d s, nodes %s, variants %s)%n%n",
                seed, results.size(), (System.nanoTime() - started) / 1e9, settings.fault().toSeconds(),
                System.getProperty("raftlite.faults.nodes", "3"), System.getProperty("raftlite.faults.variants", "auto")));
        s.append(TrialResult.table(results)).append('\n');
        clusters.forEach(c -> s.append("- cluster ").append(c).append('\n'));
        for (TrialResult r : results) {
            s.append("- ").append(r.line()).append('\n');
        }
        if (!findings.isEmpty()) {
            s.append("\nFindings:\n");
            findings.forEach(f -> s.append("- ").append(f.length() > 4000 ? f.substring(0, 4000) + "..." : f).append('\n'));
        }
        if (!serverErrors.isEmpty()) {
            s.append("\n5xx other than 503 (").append(serverErrors.size()).append("):\n");
            serverErrors.stream().limit(50).forEach(e -> s.append("- ").append(e).append('\n'));
        }
        return s.toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Skips loudly (fails under CI=true) unless this runs as root with ip, iptables, socat and bash at hand. */
    private static void requireRootAndTools() throws IOException {
        String why = null;
        if (!"0".equals(Netns.run(null, Duration.ofSeconds(10), "id", "-u").output().strip())) {
            why = "the fault suite creates network namespaces and iptables rules and needs root";
        } else {
            for (String tool : List.of("ip", "iptables", "socat", "bash", "timeout")) {
                if (Netns.run(null, Duration.ofSeconds(10), "sh", "-c", "command -v " + tool).exit() != 0) {
                    why = tool + " is not installed (apt-get install iproute2 iptables socat)";
                    break;
                }
            }
        }
        if (why == null) {
            return;
        }
        String msg = "\n*** FaultIT SKIPPED: " + why + " ***\n";
        if (ExternalBinary.underCi()) {
            Assertions.fail(msg + "CI=true turns this skip into a failure.");
        }
        System.err.println(msg);
        Assumptions.abort(msg);
    }
}

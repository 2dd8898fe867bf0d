package io.raftlite.server.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one trial measured, and the summary table over many (one row per fault type and cluster size).
 * {@code failoverMs} is fault start to the first acknowledged write called after it (-1: none came);
 * {@code convergenceMs} is heal to every node having applied what the leader had committed at the heal;
 * {@code leaderAgreedMs} is heal to every node naming the same leader, which says it leads;
 * {@code silentNodes} counts the nodes that acknowledged no write called after that (the recovery time).
 */
record TrialResult(int trial, int nodes, Nemesis.Fault fault, String description, long requests, long acknowledged,
                   long indeterminate, int lost, int duplicated, int violations, int unknownKeys, int splitBrain,
                   boolean divergent, int serverErrors, long failoverMs, long convergenceMs, long leaderAgreedMs, int silentNodes,
                   double leaderLogLinesPerSec) {

    String line() {
        return String.format(Locale.ROOT, "trial %d (%d nodes) %s: %d requests, %d acknowledged writes, %d "
                        + "indeterminate, lost %d, duplicated %d, violations %d (unknown %d), split-brain %d, divergent %s, "
                        + "5xx %d, failover %s, convergence %d ms, leader agreed %d ms, nodes without a write after it %d, leader log %.1f lines/s",
                trial, nodes, description,
                requests, acknowledged, indeterminate, lost, duplicated, violations, unknownKeys, splitBrain, divergent,
                serverErrors, failoverMs < 0 ? "none" : failoverMs + " ms", convergenceMs, leaderAgreedMs, silentNodes,
                leaderLogLinesPerSec);
    }

    /** A Markdown table: per cluster size and fault type the totals, and failover min/median/max. */
    static String table(List<TrialResult> results) {
        Map<String, List<TrialResult>> groups = new TreeMap<>();
        for (TrialResult r : results) {
            groups.computeIfAbsent(r.nodes() + " nodes, " + r.fault().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    k -> new ArrayList<>()).add(r);
        }
        StringBuilder out = new StringBuilder("| fault | trials | requests | ack. writes | lost | dup. | violations "
                + "(unknown) | split-brain | divergent | 5xx | failover ms min/median/max | convergence ms median/max "
                + "| leader agreed ms median/max | nodes without writes after | leader log lines/s median/max |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<TrialResult>> g : groups.entrySet()) {
            out.append(row(g.getKey(), g.getValue())).append('\n');
        }
        out.append(row("all", results)).append('\n');
        return out.toString();
    }

    private static String row(String name, List<TrialResult> rs) {
        long[] failover = rs.stream().mapToLong(TrialResult::failoverMs).filter(v -> v >= 0).sorted().toArray();
        long none = rs.stream().filter(r -> r.failoverMs() < 0).count();
        long[] convergence = rs.stream().mapToLong(TrialResult::convergenceMs).sorted().toArray();
        long[] agreed = rs.stream().mapToLong(TrialResult::leaderAgreedMs).sorted().toArray();
        double[] log = rs.stream().mapToDouble(TrialResult::leaderLogLinesPerSec).sorted().toArray();
        return String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d (%d) | %d | %d | %d | %s | %s | %s | %d | %s |", name,
                rs.size(), rs.stream().mapToLong(TrialResult::requests).sum(),
                rs.stream().mapToLong(TrialResult::acknowledged).sum(), rs.stream().mapToInt(TrialResult::lost).sum(),
                rs.stream().mapToInt(TrialResult::duplicated).sum(), rs.stream().mapToInt(TrialResult::violations).sum(),
                rs.stream().mapToInt(TrialResult::unknownKeys).sum(), rs.stream().mapToInt(TrialResult::splitBrain).sum(),
                rs.stream().filter(TrialResult::divergent).count(), rs.stream().mapToInt(TrialResult::serverErrors).sum(),
                failover.length == 0 ? "-" : failover[0] + " / " + failover[failover.length / 2] + " / "
                        + failover[failover.length - 1] + (none > 0 ? " (" + none + " without)" : ""),
                convergence.length == 0 ? "-" : convergence[convergence.length / 2] + " / " + convergence[convergence.length - 1],
                agreed.length == 0 ? "-" : agreed[agreed.length / 2] + " / " + agreed[agreed.length - 1],
                rs.stream().mapToInt(TrialResult::silentNodes).sum(),
                log.length == 0 ? "-" : String.format(Locale.ROOT, "%.1f / %.1f", log[log.length / 2], log[log.length - 1]));
    }
}

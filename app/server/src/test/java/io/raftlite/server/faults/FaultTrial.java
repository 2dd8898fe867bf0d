package io.raftlite.server.faults;

import io.raftlite.server.faults.Linearizability.Op;
import io.raftlite.server.faults.Linearizability.Verdict;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One trial on a running cluster: clients start, after a warm-up the fault starts, after the fault time it is
 * healed (a killed node restarted), clients go on for a while and stop; then the checks. The sleeps below are
 * the trial's schedule (how long a fault lasts), not waits for a condition.
 */
final class FaultTrial {

    private static final Pattern ID_COUNT = Pattern.compile("\\[(\\d+),(\\d+)\\]");
    private static final long CHECK_BUDGET = 5_000_000;

    record Settings(Duration warmUp, Duration fault, Duration recovery, Duration requestTimeout, int insertWorkers,
                    int registerWorkers, int keys) {
    }

    private FaultTrial() {
    }

    static TrialResult run(FaultCluster c, int number, Nemesis.Fault fault, long seed, Settings s,
                           Consumer<String> report) throws Exception {
        Random rnd = new Random(seed * 7919 + number);
        FaultNode leader = c.awaitLeader(Duration.ofSeconds(60));
        int splitBefore = c.splitBrain().size();
        int errorsBefore = c.serverErrors.size();
        Workload w = new Workload(c, number, seed, s.requestTimeout(), s.keys());
        w.setup(leader);
        w.start(s.insertWorkers(), s.registerWorkers());
        long faultStart;
        long[] convergence;
        long recovered;
        double logRate;
        Nemesis.Plan plan;
        try {
            Thread.sleep(s.warmUp().toMillis());
            plan = Nemesis.plan(fault, c, leader, rnd);
            long[] linesBefore = c.nodes.stream().mapToLong(FaultNode::logLines).toArray();
            Nemesis.apply(plan, c, leader);
            faultStart = System.nanoTime(); // every rule is in place (or the signal sent)
            Nemesis.verifyApplied(plan, c);
            Thread.sleep(s.fault().toMillis());
            logRate = leaderLogRate(c, plan, linesBefore, faultStart);
            long heal = System.nanoTime();
            Nemesis.heal(plan, c);
            if (fault == Nemesis.Fault.KILL || fault == Nemesis.Fault.MEMBERSHIP) {
                plan.targets().get(0).awaitReady(Duration.ofSeconds(180));
            }
            convergence = convergence(c, heal);
            recovered = System.nanoTime();
            Thread.sleep(s.recovery().toMillis());
        } finally {
            w.stop();
        }
        boolean divergent = !awaitIdenticalDumps(c, Duration.ofSeconds(60), report);
        int[] lostAndDuplicated = lostAndDuplicated(c, w, report);
        int[] verdicts = checkRegisters(w, report);
        long failover = w.firstAckAfter(faultStart);
        return new TrialResult(number, c.nodes.size(), fault, plan.description(), w.requests.get(),
                w.acknowledgedWrites(), w.indeterminate.get(), lostAndDuplicated[0], lostAndDuplicated[1], verdicts[0],
                verdicts[1], c.splitBrain().size() - splitBefore, divergent, c.serverErrors.size() - errorsBefore,
                failover < 0 ? -1 : failover / 1_000_000, convergence[0], convergence[1], w.nodesWithoutAckAfter(recovered),
                logRate);
    }

    /** Log lines a second on the node leading while the fault lasts (the busiest node when none leads). */
    private static double leaderLogRate(FaultCluster c, Nemesis.Plan plan, long[] before, long since) {
        double seconds = (System.nanoTime() - since) / 1e9;
        FaultNode leader = plan.targets().isEmpty() || plan.fault() == Nemesis.Fault.KILL
                || plan.fault() == Nemesis.Fault.MEMBERSHIP ? c.leader() : null;
        if (plan.fault() == Nemesis.Fault.PAUSE) {
            leader = c.nodes.stream().filter(n -> n != plan.targets().get(0) && isLeader(c, n)).findFirst().orElse(null);
        }
        double max = 0;
        for (int i = 0; i < c.nodes.size(); i++) {
            FaultNode n = c.nodes.get(i);
            double rate = (n.logLines() - before[i]) / seconds;
            if (n == leader) {
                return rate;
            }
            max = Math.max(max, rate);
        }
        return max;
    }

    private static boolean isLeader(FaultCluster c, FaultNode n) {
        FaultCluster.Status s = c.status(n, Duration.ofMillis(500));
        return s != null && "Leader".equals(s.state());
    }

    /**
     * [convergence, agreement] in milliseconds from the heal (cap 60 s): until every node has applied what the leader
     * had committed then, and until every node names the same leader, which says it leads (the rejoin of issue 14's
     * symptom 4: a node cut off recognising the new leader).
     */
    private static long[] convergence(FaultCluster c, long heal) throws InterruptedException {
        FaultNode leader = c.awaitLeader(Duration.ofSeconds(60));
        FaultCluster.Status ls = c.status(leader, Duration.ofSeconds(5));
        long target = ls == null ? 0 : ls.commit();
        long deadline = heal + Duration.ofSeconds(60).toNanos();
        long applied = -1;
        long agreed = -1;
        while (System.nanoTime() < deadline && (applied < 0 || agreed < 0)) {
            boolean all = true;
            Set<String> named = new HashSet<>();
            boolean namedLeads = false;
            for (FaultNode n : c.nodes) {
                FaultCluster.Status s = c.status(n, Duration.ofSeconds(2));
                all &= s != null && s.applied() >= target;
                named.add(s == null ? "" : s.leader());
                namedLeads |= s != null && "Leader".equals(s.state()) && n.id.equals(s.leader());
            }
            long now = (System.nanoTime() - heal) / 1_000_000;
            if (all && applied < 0) {
                applied = now;
            }
            if (agreed < 0 && named.size() == 1 && !named.contains("") && namedLeads) {
                agreed = now;
            }
            if (applied < 0 || agreed < 0) {
                Thread.sleep(50); // poll interval
            }
        }
        long capped = (System.nanoTime() - heal) / 1_000_000;
        return new long[]{applied < 0 ? capped : applied, agreed < 0 ? capped : agreed};
    }

    private static boolean awaitIdenticalDumps(FaultCluster c, Duration timeout, Consumer<String> report)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<byte[]> dumps = c.dumps();
        while (!FaultCluster.identical(dumps) && System.nanoTime() < deadline) {
            Thread.sleep(500); // poll interval
            dumps = c.dumps();
        }
        if (FaultCluster.identical(dumps)) {
            return true;
        }
        StringBuilder sizes = new StringBuilder();
        for (int i = 0; i < dumps.size(); i++) {
            sizes.append(' ').append(c.nodes.get(i).id).append('=').append(dumps.get(i) == null ? "none" : dumps.get(i).length);
        }
        report.accept("DIVERGENT: dumps still differ " + timeout + " after the workload stopped (bytes:" + sizes + ")");
        return false;
    }

    /** [lost, duplicated]: acknowledged ids missing from the table, and ids present more than once. */
    private static int[] lostAndDuplicated(FaultCluster c, Workload w, Consumer<String> report) throws Exception {
        FaultNode leader = c.awaitLeader(Duration.ofSeconds(60));
        UnixHttp.Response r = c.send(leader, "POST", "/db/query?level=none",
                "[[\"SELECT id, COUNT(*) FROM ins WHERE trial=? GROUP BY id\", " + w.trial() + "]]", Duration.ofSeconds(30));
        if (r.status() != 200 || r.body().contains("\"error\"")) {
            throw new IOException("reading the inserts back: " + r.status() + " " + r.body());
        }
        Map<Long, Long> counts = new HashMap<>();
        Matcher m = ID_COUNT.matcher(r.body());
        while (m.find()) {
            counts.put(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        }
        List<Long> lost = w.ackedInserts.stream().filter(id -> !counts.containsKey(id)).sorted().toList();
        List<Long> duplicated = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).sorted().toList();
        if (!lost.isEmpty()) {
            report.accept("LOST acknowledged inserts: " + lost);
        }
        if (!duplicated.isEmpty()) {
            report.accept("DUPLICATED inserts: " + duplicated);
        }
        return new int[]{lost.size(), duplicated.size()};
    }

    /** [violations, unknown]: keys whose history is not linearizable, and keys the search could not settle. */
    private static int[] checkRegisters(Workload w, Consumer<String> report) {
        int violations = 0;
        int unknown = 0;
        for (Map.Entry<Integer, List<Op>> e : w.histories().entrySet()) {
            Verdict v = Linearizability.checkReduced(e.getValue(), 0, CHECK_BUDGET);
            if (v == Verdict.VIOLATION) {
                violations++;
                report.accept("NOT LINEARIZABLE: key " + e.getKey() + ", " + e.getValue().size() + " operations: "
                        + e.getValue());
            } else if (v == Verdict.UNKNOWN) {
                unknown++;
                report.accept("UNKNOWN: key " + e.getKey() + " not settled within " + CHECK_BUDGET + " search steps ("
                        + e.getValue().size() + " operations)");
            }
        }
        return new int[]{violations, unknown};
    }
}

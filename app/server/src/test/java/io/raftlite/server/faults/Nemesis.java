package io.raftlite.server.faults;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The faults. A partition is a set of cuts, each installed as iptables rules inside the node namespaces and
 * then verified by TCP probes between every ordered pair of namespaces: exactly the intended pairs must fail
 * to connect. A symmetric cut a|b drops, in each namespace, every packet from the other. A one-way cut a&gt;b
 * drops, in b, what a sends on connections a opened ({@code conntrack --ctdir ORIGINAL}): a cannot reach b,
 * while b's connections to a (and a's answers on them) still work.
 */
final class Nemesis {

    /**
     * MEMBERSHIP: one member is removed ({@code DELETE /remove} on the leader), killed and its data wiped; at the
     * heal it starts again empty with its original command line and joins anew (the leader demotes a voter while
     * the membership is even, then promotes the joiner back; the joiner receives a snapshot), all under the
     * workload.
     */
    enum Fault { KILL, PAUSE, ISOLATE_LEADER, HALVES, BRIDGE, ONE_WAY, MEMBERSHIP }

    /** What one trial does: nodes to kill or pause, or the cuts (pairs of 1-based node indexes). */
    record Plan(Fault fault, List<FaultNode> targets, Set<Pair> cuts, Set<Pair> oneWay, String description) {
    }

    /** a,b: for a symmetric cut a &lt; b; for a one-way cut a cannot reach b. */
    record Pair(int a, int b) implements Comparable<Pair> {
        @Override
        public int compareTo(Pair o) {
            return a != o.a ? Integer.compare(a, o.a) : Integer.compare(b, o.b);
        }

        @Override
        public String toString() {
            return "n" + a + "-n" + b;
        }
    }

    private Nemesis() {
    }

    static Plan plan(Fault fault, FaultCluster c, FaultNode leader, Random rnd) {
        int n = c.nodes.size();
        List<Integer> order = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, rnd);
        Set<Pair> cuts = new TreeSet<>();
        Set<Pair> oneWay = new TreeSet<>();
        switch (fault) {
            case KILL, PAUSE, MEMBERSHIP -> {
                // half the time the leader, otherwise a follower
                FaultNode target = rnd.nextBoolean() ? leader
                        : c.nodes.stream().filter(x -> x != leader).toList().get(rnd.nextInt(n - 1));
                return new Plan(fault, List.of(target), cuts, oneWay,
                        fault.name().toLowerCase() + " " + target.id + (target == leader ? " (leader)" : ""));
            }
            case ISOLATE_LEADER -> {
                for (int i = 1; i <= n; i++) {
                    if (i != leader.index) {
                        cuts.add(pair(leader.index, i));
                    }
                }
            }
            case HALVES -> {
                List<Integer> left = order.subList(0, n / 2);
                for (int a : left) {
                    for (int b : order.subList(n / 2, n)) {
                        cuts.add(pair(a, b));
                    }
                }
            }
            case BRIDGE -> {
                // order[0] sees everyone; the rest split into two halves that do not see each other
                List<Integer> rest = order.subList(1, n);
                for (int a : rest.subList(0, rest.size() / 2)) {
                    for (int b : rest.subList(rest.size() / 2, rest.size())) {
                        cuts.add(pair(a, b));
                    }
                }
            }
            case ONE_WAY -> {
                for (int i = 1; i <= n; i++) {
                    if (i != leader.index) {
                        oneWay.add(new Pair(leader.index, i)); // the leader cannot reach the others
                    }
                }
            }
        }
        String what = oneWay.isEmpty() ? "cut " + cuts : "n" + leader.index + " cannot reach the others";
        return new Plan(fault, List.of(), cuts, oneWay, fault.name().toLowerCase() + " " + what
                + " (leader n" + leader.index + ")");
    }

    private static Pair pair(int a, int b) {
        return new Pair(Math.min(a, b), Math.max(a, b));
    }

    static void apply(Plan p, FaultCluster c, FaultNode leader) throws Exception {
        switch (p.fault()) {
            case KILL -> p.targets().get(0).kill9();
            case MEMBERSHIP -> {
                FaultNode target = p.targets().get(0);
                UnixHttp.Response r = c.send(leader, "DELETE", "/remove", "{\"id\":\"" + target.id + "\"}",
                        Duration.ofSeconds(30));
                if (r.status() != 200) {
                    throw new AssertionError("DELETE /remove " + target.id + " via " + leader.id + ": " + r.status()
                            + " " + r.body());
                }
                target.kill9();
                target.wipe();
            }
            case PAUSE -> p.targets().get(0).pause();
            default -> {
                for (Pair cut : p.cuts()) {
                    drop(c, cut.a(), cut.b(), false);
                    drop(c, cut.b(), cut.a(), false);
                }
                for (Pair cut : p.oneWay()) {
                    drop(c, cut.a(), cut.b(), true);
                }
            }
        }
    }

    /** After {@link #apply}: a partition must cut exactly its pairs (the trial fails otherwise). */
    static void verifyApplied(Plan p, FaultCluster c) throws Exception {
        if (!p.cuts().isEmpty() || !p.oneWay().isEmpty()) {
            verify(c, p.cuts(), p.oneWay());
        }
    }

    /** In {@code to}'s namespace, drops packets from {@code from} (only on connections from opened: one-way). */
    private static void drop(FaultCluster c, int from, int to, boolean oneWay) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "-A", "INPUT", "-s", Netns.ip(from)));
        if (oneWay) {
            cmd.addAll(List.of("-m", "conntrack", "--ctdir", "ORIGINAL"));
        }
        cmd.addAll(List.of("-j", "DROP"));
        Netns.must(c.net.node(to), cmd.toArray(String[]::new));
    }

    static void heal(Plan p, FaultCluster c) throws Exception {
        switch (p.fault()) {
            case KILL, MEMBERSHIP -> p.targets().get(0).launch();
            case PAUSE -> p.targets().get(0).resume();
            default -> {
                for (FaultNode n : c.nodes) {
                    Netns.must(n.ns, "iptables", "-w", "-F", "INPUT");
                }
                verify(c, Set.of(), Set.of());
            }
        }
    }

    /** Probes every ordered pair; fails unless exactly the pairs the cuts should block fail to connect. */
    static void verify(FaultCluster c, Set<Pair> cuts, Set<Pair> oneWay) throws Exception {
        int n = c.nodes.size();
        List<Pair> pairs = new ArrayList<>();
        for (int a = 1; a <= n; a++) {
            for (int b = 1; b <= n; b++) {
                if (a != b) {
                    pairs.add(new Pair(a, b));
                }
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(pairs.size());
        try {
            List<Future<Boolean>> probes = new ArrayList<>();
            for (Pair p : pairs) {
                probes.add(pool.submit(() -> connects(c, p.a(), p.b())));
            }
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < pairs.size(); i++) {
                Pair p = pairs.get(i);
                boolean expected = !cuts.contains(pair(p.a(), p.b())) && !oneWay.contains(p);
                if (probes.get(i).get() != expected) {
                    wrong.add("n" + p.a() + "->n" + p.b() + (expected ? " should connect but does not"
                            : " should be cut but connects"));
                }
            }
            if (!wrong.isEmpty()) {
                throw new AssertionError("partition not as intended (cuts " + cuts + ", one-way " + oneWay + "): "
                        + wrong);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Whether node a's namespace can open a TCP connection to node b's probe listener within 2 s. */
    private static boolean connects(FaultCluster c, int a, int b) throws IOException {
        String script = "exec 3<>/dev/tcp/" + Netns.ip(b) + "/" + FaultNode.PROBE_PORT;
        return Netns.run(c.net.node(a), Duration.ofSeconds(10), "timeout", "2", "bash", "-c", script).exit() == 0;
    }
}

package io.raftlite.server.e2e;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4's proofs for a check-and-set store (etcd, Consul), with real processes: simultaneous starts form
 * exactly one cluster on every repetition; a winner killed right after its claim does not strand the
 * others; all nodes restart with the store down; a wiped cluster's record is cleared only on purpose.
 */
abstract class CheckAndSetDiscoveryScenarios extends DiscoveryScenarios {

    /** {@code -disco-mode}. */
    protected abstract String mode();

    /** {@code -disco-config} for the running store. */
    protected abstract String config();

    /** Loopback prefix for this store's nodes, e.g. {@code 127.0.0.10} (nodes get .101 …). */
    protected abstract String hostPrefix();

    protected abstract void stopStore() throws Exception;

    protected abstract void startStore() throws Exception;

    private String[] args(String key) {
        return new String[] {"-disco-mode", mode(), "-disco-key", key, "-disco-config", config()};
    }

    /**
     * The cluster sizes of the simultaneous-start race, one repetition each: {@code -Draftlite.discovery.races},
     * default {@code 3,5} (CI); docs/testing.md has a longer run.
     */
    private static int[] races() {
        return java.util.Arrays.stream(System.getProperty("raftlite.discovery.races", "3,5").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
    }

    @Test
    void nodesStartedAtTheSameInstantFormExactlyOneClusterOnEveryRepetition() throws Exception {
        List<String> times = new ArrayList<>();
        int[] sizes = races();
        for (int rep = 0; rep < sizes.length; rep++) {
            List<NodeProcess> group = prepare("race" + rep, hostPrefix(), sizes[rep]);
            long ms = launchTogether(group, args("race-" + rep));
            assertOneCluster(group, "race" + rep);
            await("the record lists all " + sizes[rep] + " members", () ->
                    group.stream().anyMatch(n -> recordMembers(n) == group.size()));
            times.add(sizes[rep] + " nodes: " + ms + " ms");
            NodeProcess.closeAll(group);
        }
        print(mode() + " simultaneous start to all ready: " + times);
    }

    @Test
    void aWinnerKilledRightAfterItsClaimDoesNotStrandTheOthers() throws Exception {
        List<NodeProcess> group = prepare("dead-winner", hostPrefix(), 3);
        NodeProcess winner = group.get(0).jvm("-Draftlite.test.pause-after-claim-ms=600000");
        winner.launch(args("dead-winner"));
        awaitLog(winner, "claimed key 'dead-winner'");
        winner.kill9();
        long killed = System.nanoTime();
        List<NodeProcess> rest = group.subList(1, 3);
        for (NodeProcess n : rest) {
            n.launch(args("dead-winner"));
        }
        for (NodeProcess n : rest) {
            n.awaitReady(Duration.ofSeconds(120));
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        print(mode() + " winner killed after its claim (claim TTL 10s): the others ready " + ms + " ms later");
        assertOneCluster(rest, "survivors");

        winner.jvm(); // the dead winner never formed, so it has no Raft state: it joins like any new node
        winner.launch(args("dead-winner"));
        winner.awaitReady(Duration.ofSeconds(120));
        assertOneCluster(group, "everyone");
    }

    @Test
    void allNodesRestartWithTheStoreDownAndTheClusterComesBack() throws Exception {
        List<NodeProcess> group = prepare("store-down", hostPrefix(), 3);
        launchTogether(group, args("store-down"));
        assertOneCluster(group, "before");
        stopStore();
        try {
            for (NodeProcess n : group) {
                assertEquals(0, n.stop(), n.logTail());
            }
            for (NodeProcess n : group) {
                n.launch(); // same command lines; the store does not answer
            }
            for (NodeProcess n : group) {
                n.awaitReady(Duration.ofSeconds(120));
            }
            assertOneCluster(group, "after");
            assertTrue(query(group.get(0), "SELECT v FROM before").contains("one cluster"), "data kept");
            await("/status shows the store unreachable", () -> Boolean.FALSE.equals(disco(group.get(0)).get("reachable"))
                    && !String.valueOf(disco(group.get(0)).get("last_error")).isEmpty());
            assertTrue(group.get(0).get("/readyz").body().contains("[-]disco"), "readyz says so, and stays 200");
        } finally {
            startStore();
        }
        await("the leader reaches the store again", () -> group.stream().anyMatch(n ->
                Boolean.TRUE.equals(disco(n).get("reachable")) && status(n).contains("\"state\":\"Leader\"")));
    }

    @Test
    void aWipedClustersRecordIsClearedOnlyOnPurpose() throws Exception {
        List<NodeProcess> group = prepare("wiped", hostPrefix(), 2);
        launchTogether(group, args("wiped"));
        assertOneCluster(group, "old");

        NodeProcess.Result refused = NodeProcess.run(Duration.ofSeconds(60), concat(args("wiped"), "-disco-reset",
                tmp.resolve("reset-1").toString()));
        assertEquals(1, refused.exitCode(), refused.stdout() + refused.stderr());
        assertTrue(refused.stderr().contains("still answers"), refused.stderr());

        for (NodeProcess n : group) {
            n.kill9();
            deleteTree(n.dataDir);
        }
        NodeProcess fresh = group.get(0);
        fresh.launch(args("wiped"));
        awaitLog(fresh, "with -disco-reset"); // it waits for the dead cluster, and says why

        NodeProcess.Result reset = NodeProcess.run(Duration.ofSeconds(60), concat(args("wiped"), "-disco-reset",
                tmp.resolve("reset-2").toString()));
        assertEquals(0, reset.exitCode(), reset.stdout() + reset.stderr());
        assertTrue(reset.stdout().contains("deleted the formed record of cluster"), reset.stdout());
        fresh.awaitReady(Duration.ofSeconds(120));
        assertOneCluster(List.of(fresh), "renewed");
    }

    @SuppressWarnings("unchecked")
    private static int recordMembers(NodeProcess n) {
        Object rec = disco(n).get("record");
        return rec instanceof Map<?, ?> m && m.get("members") instanceof List<?> l ? l.size() : 0;
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

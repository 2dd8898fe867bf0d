package io.raftlite.core.store;

import io.raftlite.core.discovery.ClaimBootstrap;
import io.raftlite.core.discovery.DiscoveryReporter;
import io.raftlite.core.discovery.DiscoveryTracker;
import io.raftlite.discovery.ClusterRecord;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.Member;
import io.raftlite.discovery.StoredRecord;
import io.raftlite.discovery.tck.InMemoryDiscoveryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.raftlite.core.store.ClusterTestSupport.await;
import static io.raftlite.core.store.ClusterTestSupport.awaitAgreedLeader;
import static io.raftlite.core.store.ClusterTestSupport.awaitCounter;
import static io.raftlite.core.store.ClusterTestSupport.execute;
import static io.raftlite.core.store.ClusterTestSupport.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Discovery formation in process: real stores on 127.0.0.121-129 and the TCK's in-memory check-and-set
 * store (which passes the same contract as the Consul and etcd providers). Real processes and real
 * stores are the e2e tests' job; this pins the protocol's rules.
 */
@Timeout(300)
class DiscoveryFormationTest {

    private static final ClaimBootstrap.Timing FAST = new ClaimBootstrap.Timing(Duration.ofMillis(1500),
            Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofSeconds(10));

    @TempDir
    Path dir;

    private final InMemoryDiscoveryStore disco = new InMemoryDiscoveryStore();
    private final List<RaftStore> stores = new ArrayList<>();
    private final java.util.Map<RaftStore, Member> selves = new java.util.concurrent.ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void closeAll() {
        threads.shutdownNow();
        ClusterTestSupport.closeAll(stores);
    }

    @Test
    void nodesStartedTogetherFormExactlyOneGroupAndTheRecordNamesIt() throws Exception {
        List<RaftStore> group = List.of(store(1), store(2), store(3), store(4));
        List<ClusterRecord> joined = runTogether(group, () -> { });

        String leader = awaitAgreedLeader(group);
        await("all four in one configuration", () -> group.stream().allMatch(s -> ids(s).size() == 4));
        assertEquals(1, joined.stream().map(ClusterRecord::clusterId).distinct().count(), "one cluster id");
        StoredRecord r = disco.client("k").read().orElseThrow();
        assertEquals(ClusterRecord.State.FORMED, r.record().state());
        assertEquals(joined.get(0).clusterId(), r.record().clusterId());
        assertTrue(group.stream().map(RaftStore::groupId).distinct().count() == 1);

        execute(group.get(0), "CREATE TABLE counter (n INTEGER)");
        execute(group.get(2), "INSERT INTO counter VALUES (7)");
        for (RaftStore s : group) {
            awaitCounter(s, 7);
        }
        assertTrue(ids(group.get(0)).contains(leader));
    }

    @Test
    void aWinnerWhoseClaimExpiredForgetsItsGroupAndJoinsTheNewWinner() throws Exception {
        RaftStore slow = store(1);
        CountDownLatch claimed = new CountDownLatch(1);
        Future<ClusterRecord> slowRun = threads.submit(() -> bootstrap(slow, () -> {
            claimed.countDown();
            sleep(FAST.claimTtl().multipliedBy(3)); // a GC pause or a hung host: the claim expires meanwhile
        }).run());
        assertTrue(claimed.await(30, TimeUnit.SECONDS));
        String lostId = disco.client("k").read().orElseThrow().record().clusterId();

        RaftStore quick = store(2);
        ClusterRecord formed = bootstrap(quick, () -> { }).run(); // waits for the claim to expire, then wins
        assertEquals(ClusterRecord.State.FORMED, formed.state());
        assertFalse(formed.clusterId().equals(lostId), "the new winner formed its own cluster");

        ClusterRecord slowJoined = slowRun.get(60, TimeUnit.SECONDS);
        assertEquals(formed.clusterId(), slowJoined.clusterId(), "the slow winner joined instead of forming");
        await("both in one configuration", () -> ids(quick).equals(Set.of("n1", "n2")) && ids(slow).equals(Set.of("n1", "n2")));
        assertEquals(formed.clusterId(), disco.client("k").read().orElseThrow().record().clusterId());
    }

    @Test
    void aStoreThatIsDownIsWaitedOut() throws Exception {
        disco.reachable(false);
        RaftStore s = store(1);
        DiscoveryTracker tracker = new DiscoveryTracker("in-memory", "k");
        Future<ClusterRecord> run = threads.submit(() -> new ClaimBootstrap(disco.client("k"), node(s), FAST, tracker,
                true, () -> { }).run());
        await("a failure is tracked", () -> tracker.status().lastError() != null);
        assertFalse(run.isDone());
        disco.reachable(true);
        assertEquals(ClusterRecord.State.FORMED, run.get(30, TimeUnit.SECONDS).state());
        assertTrue(tracker.status().reachable());
    }

    @Test
    void theLeaderRewritesTheRecordAfterALeadershipChange() throws Exception {
        List<RaftStore> group = List.of(store(1), store(2), store(3));
        String clusterId = runTogether(group, () -> { }).get(0).clusterId();
        await("three voters", () -> ClusterTestSupport.voters(group.get(0)).size() == 3);
        List<DiscoveryReporter> reporters = new ArrayList<>();
        for (RaftStore s : group) {
            reporters.add(new DiscoveryReporter(disco.client("k"), cluster(s), new DiscoveryTracker("in-memory", "k"),
                    Duration.ofMillis(300), clusterId));
        }
        String first = awaitAgreedLeader(group);
        await("the record names leader " + first, () -> {
            reporters.forEach(DiscoveryReporter::run);
            ClusterRecord r = disco.client("k").read().orElseThrow().record();
            return first.equals(r.leader().id()) && r.members().size() == 3;
        });

        RaftStore old = group.stream().filter(s -> s.status().nodeId().equals(first)).findFirst().orElseThrow();
        old.close();
        List<RaftStore> rest = group.stream().filter(s -> s != old).toList();
        String second = awaitAgreedLeader(rest);
        await("the record names leader " + second, () -> {
            for (int i = 0; i < group.size(); i++) {
                if (group.get(i) != old) {
                    reporters.get(i).run();
                }
            }
            return second.equals(disco.client("k").read().orElseThrow().record().leader().id());
        });
        assertEquals(clusterId, disco.client("k").read().orElseThrow().record().clusterId());
    }

    @Test
    void aRecordOfAnotherClusterIsNeverOverwritten() throws Exception {
        RaftStore s = store(1);
        String id = bootstrap(s, () -> { }).run().clusterId();
        DiscoveryClient c = disco.client("k");
        StoredRecord ours = c.read().orElseThrow();
        assertTrue(c.delete(ours.version()));
        ClusterRecord foreign = ClusterRecord.formed("someone-else", new Member("x", "127.0.0.1:1", null),
                List.of(new Member("x", "127.0.0.1:1", null)), 1);
        assertTrue(c.claim(foreign, Duration.ofMinutes(1)).orElseThrow().form(foreign) != null);

        DiscoveryTracker tracker = new DiscoveryTracker("in-memory", "k");
        DiscoveryReporter reporter = new DiscoveryReporter(c, cluster(s), tracker, Duration.ofMillis(10), id);
        awaitAgreedLeader(List.of(s));
        reporter.run();
        assertEquals("someone-else", c.read().orElseThrow().record().clusterId());
        assertTrue(tracker.state().contains("another cluster"), tracker.state());
    }

    private List<ClusterRecord> runTogether(List<RaftStore> group, Runnable afterClaim) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ClusterRecord>> runs = new ArrayList<>();
        for (RaftStore s : group) {
            runs.add(threads.submit(() -> {
                go.await();
                return bootstrap(s, afterClaim).run();
            }));
        }
        go.countDown();
        List<ClusterRecord> out = new ArrayList<>();
        for (Future<ClusterRecord> f : runs) {
            out.add(f.get(120, TimeUnit.SECONDS));
        }
        return out;
    }

    private ClaimBootstrap bootstrap(RaftStore s, Runnable afterClaim) {
        return new ClaimBootstrap(disco.client("k"), node(s), FAST, new DiscoveryTracker("in-memory", "k"), true, afterClaim);
    }

    private ClaimBootstrap.Node node(RaftStore s) {
        return new ClaimBootstrap.Node() {
            @Override
            public Member self() {
                return member(s);
            }

            @Override
            public void formAlone() throws IOException {
                s.formAlone();
            }

            @Override
            public boolean isLeader() {
                return s.isLeader();
            }

            @Override
            public void join(List<String> raftAddresses, Duration timeout) throws IOException, InterruptedException {
                s.join(raftAddresses, false, timeout, Duration.ofMillis(50));
            }

            @Override
            public void forgetGroup() throws IOException {
                s.forgetGroup();
            }
        };
    }

    private DiscoveryReporter.Cluster cluster(RaftStore s) {
        return new DiscoveryReporter.Cluster() {
            @Override
            public boolean isLeader() {
                return s.isLeader();
            }

            @Override
            public Member self() {
                return member(s);
            }

            @Override
            public List<Member> members() {
                return s.nodes().stream().map(n -> new Member(n.id(), n.address(), null)).toList();
            }
        };
    }

    private Member member(RaftStore s) {
        return selves.get(s);
    }

    private static Set<String> ids(RaftStore s) {
        try {
            return s.nodes().stream().map(StoreNode::id).collect(Collectors.toSet());
        } catch (RuntimeException e) {
            return Set.of();
        }
    }

    private RaftStore store(int n) throws IOException {
        String host = "127.0.0.12" + n;
        String addr = host + ":" + freePort(host);
        RaftStore s = new RaftStore(new StoreConfig("n" + n, addr, addr, dir.resolve("n" + n), "disco-test", 10_000,
                1 << 20, 2, Duration.ofSeconds(10), "http://" + host + ":4001"), StoreTestSupport.OPENER, p -> { });
        stores.add(s);
        selves.put(s, new Member("n" + n, addr, "http://" + host + ":4001"));
        s.start(false);
        return s;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.raftlite.core.store;

import io.raftlite.core.membership.Bootstrapper;

import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.raftlite.core.store.ClusterTestSupport.await;
import static io.raftlite.core.store.ClusterTestSupport.awaitAgreedLeader;
import static io.raftlite.core.store.ClusterTestSupport.awaitCounter;
import static io.raftlite.core.store.ClusterTestSupport.execute;
import static io.raftlite.core.store.ClusterTestSupport.freePort;
import static io.raftlite.core.store.ClusterTestSupport.voters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code -bootstrap-expect} in process: stores on 127.0.0.71-79 started together form exactly one group. */
@Timeout(300)
class BootstrapTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration INTERVAL = Duration.ofMillis(50);

    @TempDir
    Path dir;

    private final List<RaftStore> stores = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void closeAll() {
        threads.shutdownNow();
        for (int i = stores.size() - 1; i >= 0; i--) {
            try {
                stores.get(i).close();
            } catch (RuntimeException e) {
                // keep closing the others
            }
        }
    }

    @Test
    void threeNodesStartedTogetherFormOneGroupAndAFourthWithTheSameArgumentsJoins() throws Exception {
        List<StoreConfig> configs = List.of(config(1), config(2), config(3));
        List<String> join = configs.stream().map(StoreConfig::raftAdvertisedAddress).toList();
        List<RaftStore> three = startTogether(configs, 3);
        String leader = awaitAgreedLeader(three);
        assertEquals(1, three.stream().filter(RaftStore::isLeader).count(), "exactly one leader");
        for (RaftStore s : three) {
            assertEquals(Set.of("n1", "n2", "n3"), voters(s), "one group, the same on every node");
            assertEquals(three.get(0).groupId(), s.groupId());
        }
        RaftStore follower = three.stream().filter(s -> !s.isLeader()).findFirst().orElseThrow();
        execute(follower, "CREATE TABLE counter (n INTEGER)");
        execute(follower, "INSERT INTO counter(n) VALUES (1)");
        for (RaftStore s : three) {
            awaitCounter(s, 1L);
            assertTrue(s.hasState(), "a restart recovers from the log and ignores -bootstrap-expect");
        }

        RaftStore fourth = store(config(4));
        fourth.start(false);
        fourth.bootstrap(join, 3, WAIT, INTERVAL);
        awaitCounter(fourth, 1L);
        await("the fourth node in everyone's configuration", () -> three.stream().allMatch(
                s -> s.nodes().stream().anyMatch(n -> n.id().equals("n4"))));
        assertEquals(leader, fourth.leaderId(), "it joined the same group");
    }

    @Test
    void aNodeThatIsLateFindsTheGroupFormedWithItInIt() throws Exception {
        List<StoreConfig> configs = List.of(config(5), config(6), config(7));
        List<String> join = configs.stream().map(StoreConfig::raftAdvertisedAddress).toList();
        List<RaftStore> all = new ArrayList<>();
        for (StoreConfig c : configs) {
            RaftStore s = store(c);
            s.start(false); // all three wait with an empty group...
            all.add(s);
        }
        List<Future<Void>> early = new ArrayList<>();
        for (RaftStore s : all.subList(0, 2)) { // ...but only two run their bootstrap loop for now
            early.add(threads.submit(() -> {
                s.bootstrap(join, 3, WAIT, INTERVAL);
                return null;
            }));
        }
        for (Future<Void> f : early) {
            f.get(2, TimeUnit.MINUTES);
        }
        String leader = awaitAgreedLeader(all.subList(0, 2));
        RaftStore late = all.get(2);
        late.bootstrap(join, 3, WAIT, INTERVAL);
        assertEquals(leader, awaitAgreedLeader(all));
        execute(late, "CREATE TABLE counter (n INTEGER)");
        execute(late, "INSERT INTO counter(n) VALUES (7)");
        for (RaftStore s : all) {
            awaitCounter(s, 7L);
            assertEquals(Set.of("n5", "n6", "n7"), voters(s));
        }
    }

    @Test
    void theInitialGroupRespectsTheVoterCapAndALateListenerRunsAsAListener() throws Exception {
        List<StoreConfig> configs = List.of(config(8), config(9));
        List<String> join = configs.stream().map(StoreConfig::raftAdvertisedAddress).toList();
        RaftStore voter = store(configs.get(0));
        RaftStore listener = store(configs.get(1));
        voter.start(false);
        listener.start(false); // waits, but runs its bootstrap loop only after the leader has reached it
        voter.bootstrap(join, 2, WAIT, INTERVAL);
        assertEquals("n8", awaitAgreedLeader(List.of(voter, listener)), "two nodes: one voter (the first id)");
        listener.bootstrap(join, 2, WAIT, INTERVAL);
        assertEquals("LISTENER", listener.role());
        execute(listener, "CREATE TABLE counter (n INTEGER)"); // forwarded by the listener
        execute(listener, "INSERT INTO counter(n) VALUES (2)");
        awaitCounter(listener, 2L);
        assertEquals(List.of(new StoreNode("n8", configs.get(0).raftAdvertisedAddress(), true),
                new StoreNode("n9", configs.get(1).raftAdvertisedAddress(), false)), voter.nodes());
        assertEquals("LISTENER", listener.role());
    }

    @Test
    void tooFewNodesGiveUpWithAClearMessageAndLeaveNoState() throws Exception {
        StoreConfig a = config(1);
        StoreConfig b = config(2);
        String nobody = "127.0.0.79:" + freePort("127.0.0.79");
        List<String> join = List.of(a.raftAdvertisedAddress(), b.raftAdvertisedAddress(), nobody);
        List<Future<Throwable>> attempts = new ArrayList<>();
        for (StoreConfig c : List.of(a, b)) {
            attempts.add(threads.submit(() -> {
                RaftStore s = store(c);
                s.start(false);
                try {
                    s.bootstrap(join, 3, Duration.ofSeconds(2), INTERVAL);
                    return null;
                } catch (StoreException e) {
                    assertFalse(s.hasState(), "a node that never formed a cluster bootstraps again next time");
                    assertNull(s.leaderId());
                    return e;
                }
            }));
        }
        for (Future<Throwable> f : attempts) {
            StoreException e = assertInstanceOf(StoreException.class, f.get(2, TimeUnit.MINUTES));
            assertEquals(StoreException.Reason.UNAVAILABLE, e.reason());
            assertEquals("bootstrap-expect 3: only 2 of 3 nodes found via " + join + " within 2s",
                    e.getMessage().replaceFirst(" \\(last error: .*\\)$", ""));
            assertTrue(e.getMessage().contains(nobody), e.getMessage());
        }
    }

    @Test
    void theInitialGroupHasTheTargetVotersAndIsTheSameForAnyOrder() {
        RaftGroupId id = RaftGroupId.randomId();
        Map<RaftPeerId, String> seen = Map.of(RaftPeerId.valueOf("c"), "h3:1", RaftPeerId.valueOf("a"), "h1:1",
                RaftPeerId.valueOf("d"), "h4:1", RaftPeerId.valueOf("b"), "h2:1");
        RaftGroup group = Bootstrapper.initialGroup(id, seen, StoreConfig.Membership.DEFAULT);
        assertEquals(List.of("a/h1:1/FOLLOWER", "b/h2:1/FOLLOWER", "c/h3:1/FOLLOWER", "d/h4:1/LISTENER"),
                group.getPeers().stream().map(BootstrapTest::describe).toList());
        Map<RaftPeerId, String> otherOrder = new LinkedHashMap<>();
        List.of("d", "b", "a", "c").forEach(x -> otherOrder.put(RaftPeerId.valueOf(x), seen.get(RaftPeerId.valueOf(x))));
        assertEquals(group.getPeers().stream().map(BootstrapTest::describe).toList(),
                Bootstrapper.initialGroup(id, otherOrder, StoreConfig.Membership.DEFAULT).getPeers().stream().map(BootstrapTest::describe).toList());
    }

    // ---- helpers (the cluster ones are ClusterTest's)

    private static String describe(RaftPeer p) {
        return p.getId() + "/" + p.getAddress() + "/" + p.getStartupRole();
    }

    /** Starts a store per config on its own thread, all at once, each running bootstrap(expect); returns them. */
    private List<RaftStore> startTogether(List<StoreConfig> configs, int expect) throws Exception {
        List<String> join = configs.stream().map(StoreConfig::raftAdvertisedAddress).toList();
        CyclicBarrier together = new CyclicBarrier(configs.size());
        List<Future<RaftStore>> started = new ArrayList<>();
        for (StoreConfig c : configs) {
            started.add(threads.submit(() -> {
                RaftStore s = store(c);
                together.await();
                s.start(false);
                s.bootstrap(join, expect, WAIT, INTERVAL);
                return s;
            }));
        }
        List<RaftStore> all = new ArrayList<>();
        for (Future<RaftStore> f : started) {
            all.add(f.get(2, TimeUnit.MINUTES));
        }
        return all;
    }

    private RaftStore store(StoreConfig c) {
        RaftStore s = new RaftStore(c, StoreTestSupport.OPENER, p -> { });
        synchronized (stores) {
            stores.add(s);
        }
        assertFalse(s.hasState());
        return s;
    }

    private StoreConfig config(int n) throws IOException {
        String host = "127.0.0.7" + n;
        String addr = host + ":" + freePort(host);
        return new StoreConfig("n" + n, addr, addr, dir.resolve("n" + n), "bootstrap-test", 10_000, 1 << 20, 2,
                Duration.ofSeconds(10), "http://" + host + ":4001");
    }
}

package io.raftlite.core.store;

import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.server.RaftServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.raftlite.core.store.ClusterTestSupport.WAIT;
import static io.raftlite.core.store.ClusterTestSupport.await;
import static io.raftlite.core.store.ClusterTestSupport.awaitAgreedLeader;
import static io.raftlite.core.store.ClusterTestSupport.awaitCounter;
import static io.raftlite.core.store.ClusterTestSupport.execute;
import static io.raftlite.core.store.ClusterTestSupport.freePort;
import static io.raftlite.core.store.ClusterTestSupport.listeners;
import static io.raftlite.core.store.ClusterTestSupport.settledVoters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Roles for growing and shrinking clusters (in-process stores on 127.0.0.61-69): the voter cap, promotion of
 * listeners (3 voters to 5 in one change), demotion, removal from any node, read replicas that stay listeners, reaping.
 */
@Timeout(300)
class MembershipTest {

    private static final Duration JOIN_INTERVAL = Duration.ofMillis(50);
    private static final Duration TICK = Duration.ofMillis(100);

    @TempDir
    Path dir;

    private final List<RaftStore> stores = new ArrayList<>();
    private static final Map<RaftStore, String> IDS = java.util.Collections.synchronizedMap(new IdentityHashMap<>());

    @AfterEach
    void closeAll() {
        ClusterTestSupport.closeAll(stores);
    }

    @Test
    void theVoterCapHoldsAndARemovedVoterIsReplacedByAListener() throws Exception {
        StoreConfig.Membership cap3 = membership(3, false, Duration.ZERO, Duration.ZERO);
        RaftStore n1 = bootstrap(config(1, cap3));
        RaftStore n2 = join(config(2, cap3), n1);
        await("two nodes: one voter and one listener", () -> settledVoters(n1).equals(Set.of("n1"))
                && listeners(n1).equals(Set.of("n2")));
        assertEquals("LISTENER", n2.role());

        RaftStore n3 = join(config(3, cap3), n2); // via the listener
        await("three voters: the listener was promoted", () -> settledVoters(n1).equals(Set.of("n1", "n2", "n3")));
        await("n2 runs as a follower", () -> n2.role().equals("FOLLOWER") || n2.role().equals("LEADER"));
        RaftStore n4 = join(config(4, cap3), n3);
        RaftStore n5 = join(config(5, cap3), n1);
        await("a fourth and fifth node are listeners", () -> listeners(n1).equals(Set.of("n4", "n5")));
        await("still three voters", () -> settledVoters(n1).equals(Set.of("n1", "n2", "n3")));
        execute(n4, "CREATE TABLE counter (n INTEGER)");
        execute(n5, "INSERT INTO counter(n) VALUES(1)");

        // remove a voter that is not the leader, through another node that is not the leader
        List<RaftStore> all = List.of(n1, n2, n3, n4, n5);
        String leader = awaitAgreedLeader(all);
        RaftStore victim = all.stream().filter(s -> isVoter(n4, s) && !id(s).equals(leader)).findFirst().orElseThrow();
        RaftStore via = all.stream().filter(s -> s != victim && !id(s).equals(leader)).findFirst().orElseThrow();
        victim.close();
        via.remove(id(victim), WAIT);
        RaftStore leaderStore = storeOf(all, leader);
        await("a listener promoted in the victim's place", () -> settledVoters(leaderStore).size() == 3
                && !settledVoters(leaderStore).contains(id(victim)) && !listeners(leaderStore).contains(id(victim)));
        assertEquals(4, leaderStore.nodes().size());
        execute(via, "UPDATE counter SET n = 2");
        for (RaftStore s : all) {
            if (s != victim) {
                awaitCounter(s, 2L);
            }
        }

        StoreException unknown = assertThrows(StoreException.class, () -> via.remove("nobody", WAIT));
        assertEquals(StoreException.Reason.NOT_FOUND, unknown.reason());

        // removing the leader: leadership moves first, then the old leader leaves the configuration
        via.remove(leader, WAIT);
        List<RaftStore> rest = all.stream().filter(s -> s != victim && !id(s).equals(leader)).toList();
        String next = awaitAgreedLeader(rest);
        assertTrue(!next.equals(leader));
        await("the old leader is gone and three voters remain", () -> !ids(storeOf(rest, next)).contains(leader)
                && settledVoters(storeOf(rest, next)).size() == 3);
        execute(rest.get(0), "UPDATE counter SET n = 3");
        for (RaftStore s : rest) {
            awaitCounter(s, 3L);
        }
    }

    @Test
    void aReadReplicaIsNeverPromotedAndExtraVotersAreDemoted() throws Exception {
        StoreConfig.Membership cap3 = membership(3, false, Duration.ZERO, Duration.ZERO);
        RaftStore n1 = bootstrap(config(1, cap3));
        RaftStore replica = join(config(2, membership(3, true, Duration.ZERO, Duration.ZERO)), n1);
        await("the replica is a listener", () -> listeners(n1).equals(Set.of("n2")));
        RaftStore n3 = join(config(3, cap3), n1);
        await("n3 joined as a voter", () -> settledVoters(n1).equals(Set.of("n1", "n3")));
        Thread.sleep(TICK.toMillis() * 10); // ten balancer runs: the read replica must still be a listener
        await("settled", n1::configurationStable);
        assertEquals(Set.of("n1", "n3"), settledVoters(n1));
        assertEquals(Set.of("n2"), listeners(n1));
        assertEquals("LISTENER", replica.role());

        RaftStore n4 = join(config(4, cap3), n1); // 2 voters < 3: joins as a voter
        await("three voters", () -> settledVoters(n1).equals(Set.of("n1", "n3", "n4")));
        String leader = awaitAgreedLeader(List.of(n1, n3, n4));
        String other = List.of("n3", "n4").stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        storeOf(List.of(n1, n3, n4), other).close();
        n1.remove(other, WAIT);
        // three members left, one a read replica: two voters exceed the target (the largest odd ≤ 3 is 3, but
        // only two may vote), so nothing changes; removing the replica leaves two members: one voter
        await("two voters after the removal", () -> settledVoters(storeOf(List.of(n1, n3, n4), leader)).size() == 2);
        storeOf(List.of(n1, n3, n4), leader).remove("n2", WAIT);
        RaftStore leaderStore = storeOf(List.of(n1, n3, n4), leader);
        await("one voter and one listener", () -> settledVoters(leaderStore).size() == 1 && listeners(leaderStore).size() == 1);
        RaftStore demoted = storeOf(List.of(n1, n3, n4), listeners(leaderStore).iterator().next());
        await("the demoted voter reports itself a listener", () -> demoted.role().equals("LISTENER"));
        await("the demoted voter's server restarted as a listener", () -> demoted.runsAsListener() && demoted.isReady());
        execute(demoted, "CREATE TABLE counter (n INTEGER)");
        execute(demoted, "INSERT INTO counter(n) VALUES(7)");
        awaitCounter(demoted, 7L);
        Thread.sleep(2_000);
        assertEquals(2, leaderStore.nodes().size());
        execute(leaderStore, "UPDATE counter SET n = 8");
        awaitCounter(demoted, 8L);
    }

    @Test
    void threeVotersBecomeFiveInOneChange() throws Exception {
        StoreConfig.Membership cap5 = membership(5, false, Duration.ZERO, Duration.ZERO);
        RaftStore n1 = bootstrap(config(1, cap5));
        RaftStore n2 = join(config(2, cap5), n1);
        RaftStore n3 = join(config(3, cap5), n1);
        await("three voters", () -> settledVoters(n1).size() == 3);
        RaftStore n4 = join(config(4, cap5), n2);
        RaftStore n5 = join(config(5, cap5), n3);
        List<RaftStore> all = List.of(n1, n2, n3, n4, n5);
        await("five voters", () -> settledVoters(n1).size() == 5);
        execute(n5, "CREATE TABLE counter (n INTEGER)");
        execute(n4, "INSERT INTO counter(n) VALUES(5)");
        for (RaftStore s : all) {
            awaitCounter(s, 5L);
        }
        RaftServer.Division leader = storeOf(all, awaitAgreedLeader(all)).division();
        List<Integer> voterCounts = new ArrayList<>();
        for (long i = leader.getRaftLog().getStartIndex(); i <= leader.getRaftLog().getLastCommittedIndex(); i++) {
            LogEntryProto e = leader.getRaftLog().get(i);
            if (e != null && e.hasConfigurationEntry()) {
                voterCounts.add(e.getConfigurationEntry().getPeersCount());
            }
        }
        assertTrue(voterCounts.contains(3) && voterCounts.contains(5), "the log holds the changes: " + voterCounts);
        assertFalse(voterCounts.contains(4), "no configuration of four voters on the way: " + voterCounts);
    }

    @Test
    void unreachableMembersAreReapedAfterTheirTimeouts() throws Exception {
        StoreConfig.Membership reaping = membership(3, false, Duration.ofSeconds(3), Duration.ofSeconds(5));
        RaftStore n1 = bootstrap(config(1, reaping));
        RaftStore n2 = join(config(2, reaping), n1);
        RaftStore n3 = join(config(3, reaping), n1);
        RaftStore n4 = join(config(4, reaping), n1);
        await("three voters and a listener", () -> settledVoters(n1).size() == 3 && listeners(n1).size() == 1);
        List<RaftStore> all = List.of(n1, n2, n3, n4);
        String leader = awaitAgreedLeader(all);
        RaftStore leaderStore = storeOf(all, leader);
        RaftStore listener = all.stream().filter(s -> listeners(leaderStore).contains(id(s))).findFirst().orElseThrow();
        listener.close();
        await("the listener reaped", () -> leaderStore.nodes().size() == 3);
        RaftStore voter = all.stream().filter(s -> s != listener && !id(s).equals(leader)).findFirst().orElseThrow();
        voter.close();
        await("the voter reaped, then one voter and one listener", () -> leaderStore.nodes().size() == 2
                && settledVoters(leaderStore).size() == 1);
        execute(leaderStore, "CREATE TABLE counter (n INTEGER)");
        Thread.sleep(6_000); // longer than both reap timeouts: the demoted voter (restarted as a listener) stays
        assertEquals(2, leaderStore.nodes().size());
    }

    // ---- helpers

    private static StoreConfig.Membership membership(int maxVoters, boolean nonVoter, Duration reapVoters,
                                                     Duration reapListeners) {
        return new StoreConfig.Membership(maxVoters, nonVoter, reapVoters, reapListeners, TICK);
    }

    private StoreConfig config(int n, StoreConfig.Membership m) throws IOException {
        String host = "127.0.0.6" + n;
        String addr = host + ":" + freePort(host);
        return new StoreConfig("n" + n, addr, addr, dir.resolve("n" + n), "membership-test", 10_000, 1 << 20, 2,
                Duration.ofSeconds(10), "http://" + host + ":4001").withMembership(m);
    }

    private RaftStore bootstrap(StoreConfig c) throws Exception {
        RaftStore s = new RaftStore(c, StoreTestSupport.OPENER, p -> { });
        stores.add(s);
        IDS.put(s, c.nodeId());
        s.start(true);
        assertTrue(s.awaitReady(WAIT));
        return s;
    }

    private RaftStore join(StoreConfig c, RaftStore via) throws Exception {
        RaftStore s = new RaftStore(c, StoreTestSupport.OPENER, p -> { });
        stores.add(s);
        IDS.put(s, c.nodeId());
        s.start(false);
        String target = via.nodes().stream().filter(x -> x.id().equals(id(via))).findFirst().orElseThrow().address();
        s.join(List.of(target), false, WAIT, JOIN_INTERVAL);
        return s;
    }

    private static String id(RaftStore s) {
        return IDS.get(s);
    }

    private static boolean isVoter(RaftStore view, RaftStore s) {
        return settledVoters(view).contains(id(s));
    }

    private static RaftStore storeOf(List<RaftStore> group, String id) {
        return group.stream().filter(s -> id(s).equals(id)).findFirst().orElseThrow();
    }

    private static Set<String> ids(RaftStore s) {
        return s.nodes().stream().map(StoreNode::id).collect(Collectors.toSet());
    }

}

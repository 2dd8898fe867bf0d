package io.raftlite.core.store;

import io.raftlite.core.membership.Joiner;

import org.apache.ratis.protocol.RaftPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static io.raftlite.core.store.ClusterTestSupport.WAIT;
import static io.raftlite.core.store.ClusterTestSupport.await;
import static io.raftlite.core.store.ClusterTestSupport.awaitAgreedLeader;
import static io.raftlite.core.store.ClusterTestSupport.awaitCounter;
import static io.raftlite.core.store.ClusterTestSupport.execute;
import static io.raftlite.core.store.ClusterTestSupport.freePort;
import static io.raftlite.core.store.ClusterTestSupport.listeners;
import static io.raftlite.core.store.ClusterTestSupport.settledVoters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rqlite's rule for a node id that joins again (in-process stores on 127.0.0.81-89): with the same address it
 * is accepted as is; with a new address it replaces its old entry, and the cluster reaches it there.
 */
@Timeout(300)
class MoveTest {

    private static final Duration JOIN_INTERVAL = Duration.ofMillis(50);
    private static final Duration TICK = Duration.ofMillis(100);
    private static final StoreConfig.Membership CAP3 =
            new StoreConfig.Membership(3, false, Duration.ZERO, Duration.ZERO, TICK);

    @TempDir
    Path dir;

    private final List<RaftStore> stores = new ArrayList<>();
    private final Map<RaftStore, String> ids = new IdentityHashMap<>();

    @AfterEach
    void closeAll() {
        ClusterTestSupport.closeAll(stores);
    }

    @Test
    void aVoterComesBackWithItsIdAtANewAddressAndReplacesItsOldEntry() throws Exception {
        List<RaftStore> four = threeVotersAndAListener();
        RaftStore n3 = four.get(2);
        String oldAddress = addressOf(four.get(0), "n3");
        execute(four.get(0), "INSERT INTO counter(n) VALUES(1)"); // made before the move
        n3.close(); // hands leadership over if it led
        List<RaftStore> rest = List.of(four.get(0), four.get(1), four.get(3));
        awaitAgreedLeader(rest);

        String newAddress = address(9);
        RaftStore moved = joined("n3", newAddress, "n3-moved", four.get(3)); // empty data dir; via the listener

        List<RaftStore> members = List.of(four.get(0), four.get(1), moved, four.get(3));
        awaitMovedEverywhere(members, "n3", newAddress, oldAddress);
        for (RaftStore s : members) {
            await("three voters, n3 among them, on " + id(s), () -> settledVoters(s).equals(Set.of("n1", "n2", "n3")));
        }
        awaitCounter(moved, 1L);
        execute(four.get(1), "UPDATE counter SET n = 2"); // made after the move
        awaitCounter(moved, 2L);
        assertTrue(moved.awaitReady(WAIT), "the moved voter becomes ready");
        execute(moved, "UPDATE counter SET n = 3"); // forwarded from its new address
        awaitCounter(four.get(0), 3L);

        // n3 votes and receives at its new address: with the other voter that does not lead stopped, writes
        // still commit (a majority of three needs n3)
        String leader = awaitAgreedLeader(members);
        RaftStore stopped = Stream.of(four.get(0), four.get(1)).filter(s -> !id(s).equals(leader)).findFirst()
                .orElseGet(() -> four.get(0));
        stopped.close();
        RaftStore writer = members.stream().filter(s -> s != stopped).findFirst().orElseThrow();
        execute(writer, "UPDATE counter SET n = 4");
        for (RaftStore s : members) {
            if (s != stopped) {
                awaitCounter(s, 4L);
            }
        }
    }

    @Test
    void aListenerComesBackWithItsIdAtANewAddressAndReplacesItsOldEntry() throws Exception {
        List<RaftStore> four = threeVotersAndAListener();
        String oldAddress = addressOf(four.get(0), "n4");
        execute(four.get(0), "INSERT INTO counter(n) VALUES(1)");
        four.get(3).close();

        String newAddress = address(8);
        RaftStore moved = joined("n4", newAddress, "n4-moved", four.get(1));

        List<RaftStore> members = List.of(four.get(0), four.get(1), four.get(2), moved);
        awaitMovedEverywhere(members, "n4", newAddress, oldAddress);
        for (RaftStore s : members) {
            await("n4 still a listener on " + id(s), () -> s.configurationStable() && listeners(s).equals(Set.of("n4"))
                    && settledVoters(s).equals(Set.of("n1", "n2", "n3")));
        }
        awaitCounter(moved, 1L);
        execute(four.get(2), "UPDATE counter SET n = 2");
        awaitCounter(moved, 2L);
        assertEquals("LISTENER", moved.role());
        execute(moved, "UPDATE counter SET n = 3"); // forwarded from its new address
        for (RaftStore s : members) {
            awaitCounter(s, 3L);
        }
    }

    /**
     * The id was removed first (DELETE /remove), then joins at a new address: a plain add, whose staging reaches
     * the new address only because every server dropped its connection for the removed id.
     */
    @Test
    void aRemovedIdComesBackAtANewAddress() throws Exception {
        List<RaftStore> four = threeVotersAndAListener();
        String oldAddress = addressOf(four.get(0), "n3");
        four.get(2).close();
        four.get(1).remove("n3", WAIT);
        List<RaftStore> rest = List.of(four.get(0), four.get(1), four.get(3));
        for (RaftStore s : rest) {
            await("n3 removed and n4 promoted on " + id(s), () -> settledVoters(s).equals(Set.of("n1", "n2", "n4")));
        }
        execute(four.get(0), "INSERT INTO counter(n) VALUES(1)");

        String newAddress = address(9);
        RaftStore again = joined("n3", newAddress, "n3-again", four.get(0));
        List<RaftStore> members = List.of(four.get(0), four.get(1), again, four.get(3));
        awaitMovedEverywhere(members, "n3", newAddress, oldAddress);
        awaitCounter(again, 1L);
        execute(four.get(3), "UPDATE counter SET n = 2");
        awaitCounter(again, 2L);
    }

    @Test
    void theSameIdAndAddressIsAcceptedAsIsEvenWithAWipedDataDir() throws Exception {
        List<RaftStore> four = threeVotersAndAListener();
        String address = addressOf(four.get(0), "n3");
        four.get(2).close();
        deleteTree(dir.resolve("n3"));
        execute(four.get(0), "INSERT INTO counter(n) VALUES(1)");

        RaftStore again = joined("n3", address, "n3", four.get(0));
        List<RaftStore> members = List.of(four.get(0), four.get(1), again, four.get(3));
        awaitCounter(again, 1L);
        for (RaftStore s : members) {
            await("n3 once, at its address, on " + id(s), () -> s.configurationStable() && s.nodes().size() == 4
                    && address.equals(addressOf(s, "n3")) && settledVoters(s).equals(Set.of("n1", "n2", "n3")));
        }
        again.join(List.of(addressOf(four.get(1), "n2")), false, WAIT, JOIN_INTERVAL); // once more: nothing changes
        assertEquals(4, four.get(0).nodes().size());
    }

    @Test
    void theLeadersIdAtAnotherAddressIsRefusedWhenTheLeaderAnswers() throws Exception {
        List<RaftStore> four = threeVotersAndAListener();
        String leader = awaitAgreedLeader(four.subList(0, 3));
        String leaderAddress = addressOf(four.get(0), leader);
        RaftStore twin = start(leader, address(9), leader + "-twin");
        StoreException e = assertThrows(StoreException.class,
                () -> twin.join(List.of(leaderAddress), false, WAIT, JOIN_INTERVAL));
        assertEquals(StoreException.Reason.UNAVAILABLE, e.reason());
        assertTrue(e.getMessage().contains("node id " + leader + " is already a voter at " + leaderAddress
                + " and leads the cluster"), e.getMessage());
        assertEquals(leaderAddress, addressOf(four.get(3), leader));
        execute(four.get(3), "INSERT INTO counter(n) VALUES(5)"); // the cluster is unaffected
        awaitCounter(four.get(0), 5L);
    }

    /**
     * n1 to n3 voters, n4 a listener, a counter table; the stores in id order. Each join waits for the previous
     * one's role changes to settle: the formation is not what these tests are about.
     */
    private List<RaftStore> threeVotersAndAListener() throws Exception {
        RaftStore n1 = store("n1", address(1), "n1");
        n1.start(true);
        assertTrue(n1.awaitReady(WAIT));
        List<RaftStore> all = new ArrayList<>(List.of(n1));
        List<Set<String>> votersAfter = List.of(Set.of("n1"), Set.of("n1", "n2", "n3"), Set.of("n1", "n2", "n3"));
        for (int n = 2; n <= 4; n++) {
            all.add(joined("n" + n, address(n), "n" + n, n1));
            Set<String> expected = votersAfter.get(n - 2);
            int size = n;
            await("voters " + expected + " of " + size + " members", () -> n1.nodes().size() == size
                    && settledVoters(n1).equals(expected));
        }
        for (RaftStore s : all) {
            await("three voters and a listener on " + id(s), () -> settledVoters(s).equals(Set.of("n1", "n2", "n3"))
                    && listeners(s).equals(Set.of("n4")));
        }
        execute(n1, "CREATE TABLE counter (n INTEGER)");
        return all;
    }

    private void awaitMovedEverywhere(List<RaftStore> members, String id, String newAddress, String oldAddress)
            throws Exception {
        assertNotEquals(oldAddress, newAddress);
        for (RaftStore s : members) {
            await(id + " once, at " + newAddress + ", on " + id(s), () -> s.configurationStable()
                    && s.nodes().size() == members.size() && newAddress.equals(addressOf(s, id)));
        }
        awaitPrioritiesReset(members.get(0));
    }

    /** The priority a move raises is set back to 0 by the leader (else Ratis would prefer that node as leader). */
    private void awaitPrioritiesReset(RaftStore via) throws Exception {
        Joiner reader = new Joiner(RaftPropertiesFactory.groupId("move-test"),
                RaftPeer.newBuilder().setId("reader").setAddress("127.0.0.80:1").build(),
                List.of(addressOf(via, id(via))), JOIN_INTERVAL);
        await("every priority back to 0", () -> reader.membership(WAIT).group().getPeers().stream()
                .allMatch(p -> p.getPriority() == 0));
    }

    /** A fresh store (empty data dir) started and joined through member {@code via}. */
    private RaftStore joined(String id, String address, String dataDir, RaftStore via) throws Exception {
        RaftStore s = start(id, address, dataDir);
        s.join(List.of(addressOf(via, id(via))), false, WAIT, JOIN_INTERVAL);
        return s;
    }

    private static String address(int n) throws IOException {
        String host = "127.0.0.8" + n;
        return host + ":" + freePort(host);
    }

    /** A store with {@code id} at {@code address} (host:port) in {@code dataDir}, started to join. */
    private RaftStore start(String id, String address, String dataDir) throws IOException {
        RaftStore s = store(id, address, dataDir);
        s.start(false);
        return s;
    }

    private RaftStore store(String id, String address, String dataDir) {
        StoreConfig c = new StoreConfig(id, address, address, dir.resolve(dataDir), "move-test", 10_000, 1 << 20, 2,
                Duration.ofSeconds(10), "").withMembership(CAP3);
        RaftStore s = new RaftStore(c, StoreTestSupport.OPENER, p -> { });
        stores.add(s);
        ids.put(s, id);
        return s;
    }

    private String id(RaftStore s) {
        return ids.get(s);
    }

    private static String addressOf(RaftStore view, String nodeId) {
        return view.nodes().stream().filter(x -> x.id().equals(nodeId)).map(StoreNode::address).findFirst().orElse(null);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

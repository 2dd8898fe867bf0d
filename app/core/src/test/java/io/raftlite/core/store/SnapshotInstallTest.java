package io.raftlite.core.store;

import io.raftlite.core.command.Statement;
import io.raftlite.core.watch.WatchResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.raftlite.core.store.RaftStoreTest.NO_SNAPSHOT_ON_STOP;
import static io.raftlite.core.store.RaftStoreTest.awaitSnapshot;
import static io.raftlite.core.store.RaftStoreTest.counter;
import static io.raftlite.core.store.RaftStoreTest.createCounter;
import static io.raftlite.core.store.RaftStoreTest.increment;
import static io.raftlite.core.store.RaftStoreTest.logStart;
import static io.raftlite.core.store.StoreTestSupport.freePort;
import static io.raftlite.core.store.StoreTestSupport.scalar;
import static io.raftlite.core.store.StoreTestSupport.startStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node added after the log was purged receives the leader's snapshot (reinitialize path). */
@Timeout(120)
class SnapshotInstallTest {

    private static final List<Statement> READ_COUNTER = List.of(Statement.of("SELECT n FROM counter"));

    @TempDir
    Path dir;

    @Test
    void aNewVoterCatchesUpFromTheLeadersSnapshot() throws Exception {
        StoreConfig c1 = config("node1", dir.resolve("n1"), freePort());
        StoreConfig c2 = config("node2", dir.resolve("n2"), freePort());
        try (RaftStore leader = startStore(c1, NO_SNAPSHOT_ON_STOP)) {
            createCounter(leader);
            increment(leader, 60);
            long n = 60;
            assertTrue(awaitSnapshot(leader).snapshotIndex() > 0);
            // snapshots are copied beside the applies and the log purged once Ratis collects one (SnapshotCopy),
            // a closed segment at a time and 10 entries behind the snapshot: on a loaded machine the copies come
            // further apart (CI once ended the 60 writes with the first segment still in place), so write on
            for (int round = 0; round < 50 && !awaitPurge(c1); round++) {
                increment(leader, 10);
                n += 10;
            }
            assertTrue(logStart(c1) > 0, "the leader's log is purged, so the new node needs the snapshot");

            try (RaftStore follower = new RaftStore(c2, StoreTestSupport.OPENER, NO_SNAPSHOT_ON_STOP)) {
                follower.start(false);
                leader.addVoter(c2.nodeId(), c2.raftAdvertisedAddress()).get(60, TimeUnit.SECONDS);
                assertEquals(2, leader.nodes().size());
                // two nodes run one voter and one listener: the leader demotes the new voter, which restarts
                // its Raft server as a listener
                for (int i = 0; i < 3000 && !(leader.configurationStable() && follower.runsAsListener()); i++) {
                    Thread.sleep(10);
                }
                assertEquals(List.of(new StoreNode("node1", c1.raftAdvertisedAddress(), true),
                        new StoreNode("node2", c2.raftAdvertisedAddress(), false)), leader.nodes());
                assertTrue(follower.runsAsListener());
                assertTrue(follower.awaitReady(Duration.ofSeconds(30)));
                assertTrue(follower.status().snapshotIndex() > 0, "installed from the leader");
                // after the install every table counts as changed at its index: a watcher from before it re-reads
                // at the index of the last rebuild: the install, or a later one (the demoted voter restarts as a
                // listener; CI once saw 123 against a reported snapshot index of 121), never past what it applied
                WatchResult afterInstall = follower.changes().now(Set.of("counter", "other"), 1);
                assertEquals(List.of("counter", "other"), afterInstall.tables());
                assertTrue(afterInstall.index() > 1 && afterInstall.index() <= follower.changes().appliedIndex(),
                        afterInstall + " against snapshot index " + follower.status().snapshotIndex()
                                + ", applied " + follower.changes().appliedIndex());
                long now = follower.changes().appliedIndex();
                CompletableFuture<WatchResult> watch = follower.changes().watch(Set.of("counter"), now,
                        Duration.ofMinutes(1), 10).orElseThrow();
                increment(leader, 1);
                assertEquals(n + 1, awaitLocal(follower, n + 1));
                WatchResult woken = watch.get(30, TimeUnit.SECONDS);
                assertEquals(List.of("counter"), woken.tables());
                assertTrue(woken.index() > now);
                assertFalse(follower.isLeader());
                // a linearizable read on the follower goes through the leader's ReadIndex
                assertEquals(n + 1, scalar(follower.readLinearizable(READ_COUNTER, false, null).get(30, TimeUnit.SECONDS)));
                assertEquals("node1", follower.status().leaderId());
                assertTrue(follower.sinceLeaderContact() != null);
            }
            // node2 restarts from its own snapshot + log, with the membership from its storage
            try (RaftStore node2 = new RaftStore(c2, StoreTestSupport.OPENER, NO_SNAPSHOT_ON_STOP)) {
                node2.start(false);
                assertTrue(node2.awaitReady(Duration.ofSeconds(30)));
                // a restart: every table counts as changed at the snapshot it restored, then the replay is exact
                assertEquals(List.of("counter"), node2.changes().now(Set.of("counter"), 1).tables());
                assertTrue(leader.awaitReady(Duration.ofSeconds(30)));
                increment(leader.isLeader() ? leader : node2, 1);
                assertEquals(n + 2, awaitLocal(node2, n + 2));
                assertEquals(n + 2, awaitLocal(leader, n + 2));
                assertEquals(n + 2, counter(node2));
            }
        }
    }

    /** Whether the log's first segment is gone within a second. */
    private static boolean awaitPurge(StoreConfig config) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (logStart(config) > 0) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    private static Object awaitLocal(RaftStore store, long expected) throws InterruptedException {
        Object v = null;
        for (int i = 0; i < 1000; i++) {
            v = scalar(store.readLocal(READ_COUNTER, false, null));
            if (Long.valueOf(expected).equals(v)) {
                return v;
            }
            Thread.sleep(10);
        }
        return v;
    }

    private static StoreConfig config(String id, Path dataDir, int port) {
        String addr = "127.0.0.1:" + port;
        return new StoreConfig(id, addr, addr, dataDir, "install-test", 10, 4096, 2, Duration.ofSeconds(10));
    }
}

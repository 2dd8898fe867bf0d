package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.ErrorResult;
import io.raftlite.core.command.ExecuteResult;
import io.raftlite.core.command.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.raftlite.core.store.RaftStoreTest.awaitSnapshot;
import static io.raftlite.core.store.RaftStoreTest.logStart;
import static io.raftlite.core.store.ClusterTestSupport.READ_COUNTER;
import static io.raftlite.core.store.ClusterTestSupport.WAIT;
import static io.raftlite.core.store.ClusterTestSupport.await;
import static io.raftlite.core.store.ClusterTestSupport.awaitAgreedLeader;
import static io.raftlite.core.store.ClusterTestSupport.awaitCounter;
import static io.raftlite.core.store.ClusterTestSupport.execute;
import static io.raftlite.core.store.ClusterTestSupport.freePort;
import static io.raftlite.core.store.ClusterTestSupport.settledVoters;
import static io.raftlite.core.store.ClusterTestSupport.voters;
import static io.raftlite.core.store.StoreTestSupport.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** In-process clusters of several stores on 127.0.0.51-59: join, forwarding, node metadata, failover. */
@Timeout(300)
class ClusterTest extends ClusterTestBase {

    private static final Duration JOIN_INTERVAL = Duration.ofMillis(50);


    @Test
    void nodesJoinForwardReadAndSurviveTheLeaderStopping() throws Exception {
        StoreConfig c1 = config(1, 10_000);
        StoreConfig c2 = config(2, 10_000);
        StoreConfig c3 = config(3, 10_000);
        StoreConfig c4 = config(4, 10_000);
        RaftStore n1 = bootstrap(c1);
        RaftStore n2 = joiner(c2);
        String nobody = "127.0.0.58:" + freePort("127.0.0.58");
        n2.join(List.of(nobody, c1.raftAdvertisedAddress()), false, WAIT, JOIN_INTERVAL); // one address is dead
        RaftStore n3 = joiner(c3);
        n3.join(List.of(c2.raftAdvertisedAddress()), false, WAIT, JOIN_INTERVAL); // via a follower
        await("three voters", () -> settledVoters(n1).equals(Set.of("n1", "n2", "n3")));
        assertTrue(n2.hasState() && n3.hasState(), "joined nodes recover their membership after a restart");
        Map<String, RaftStore> voters = Map.of("n1", n1, "n2", n2, "n3", n3);
        Map<String, StoreConfig> configs = Map.of("n1", c1, "n2", c2, "n3", c3);
        String leaderId = awaitAgreedLeader(voters.values());
        List<RaftStore> followers = voters.entrySet().stream().filter(e -> !e.getKey().equals(leaderId))
                .map(Map.Entry::getValue).toList();
        RaftStore f1 = followers.get(0);
        RaftStore f2 = followers.get(1);

        execute(f1, "CREATE TABLE counter (n INTEGER)"); // on a follower: forwarded
        CommandResult r = execute(f2, "INSERT INTO counter(n) VALUES(1)");
        assertTrue(r.raftIndex() > 0, "the leader's result came back");
        for (RaftStore s : voters.values()) {
            awaitCounter(s, 1L);
        }
        assertEquals(1L, scalar(f1.readWeak(READ_COUNTER, false, null).get(30, TimeUnit.SECONDS)));
        assertEquals(1L, scalar(f1.readLinearizable(READ_COUNTER, false, null).get(30, TimeUnit.SECONDS)));

        n2.join(List.of(c3.raftAdvertisedAddress()), false, WAIT, JOIN_INTERVAL); // again: a no-op
        assertEquals(Set.of("n1", "n2", "n3"), voters(n1));

        for (StoreConfig c : List.of(c1, c2, c3)) {
            NodeMeta meta = f1.nodeMeta(c.nodeId(), Duration.ofSeconds(10)).get(30, TimeUnit.SECONDS);
            assertEquals(new NodeMeta(c.nodeId(), c.apiAddress(), NodeMeta.CURRENT_VERSION), meta);
        }

        RaftStore n4 = joiner(c4);
        n4.join(List.of(c3.raftAdvertisedAddress()), true, WAIT, JOIN_INTERVAL);
        awaitCounter(n4, 1L);
        await("a listener in everyone's view", () -> voters.values().stream().allMatch(s -> s.nodes().contains(
                new StoreNode("n4", c4.raftAdvertisedAddress(), false))));
        assertEquals(Set.of("n1", "n2", "n3"), voters(n1));
        execute(n4, "UPDATE counter SET n = 2"); // a listener forwards too
        assertEquals(2L, scalar(n4.readLinearizable(READ_COUNTER, false, null).get(30, TimeUnit.SECONDS)));
        assertEquals("http://127.0.0.54:4004",
                f2.nodeMeta("n4", Duration.ofSeconds(10)).get(30, TimeUnit.SECONDS).apiAddress());

        voters.get(leaderId).close(); // hands leadership over first
        String next = awaitAgreedLeader(followers);
        assertNotEquals(leaderId, next);
        execute(followers.get(0), "UPDATE counter SET n = 3");
        awaitCounter(followers.get(1), 3L);
        Throwable unreachable = causeOf(() -> f1.nodeMeta(leaderId, Duration.ofSeconds(2)).get(30, TimeUnit.SECONDS));
        assertEquals(StoreException.Reason.UNAVAILABLE, ((StoreException) unreachable).reason());

        RaftStore again = new RaftStore(configs.get(leaderId), StoreTestSupport.OPENER, p -> { });
        stores.add(again);
        assertTrue(again.hasState());
        again.start();
        assertTrue(again.awaitReady(WAIT));
        awaitCounter(again, 3L);
        execute(again, "UPDATE counter SET n = 4");
        awaitCounter(n4, 4L);
    }

    @Test
    void aNodeJoiningAfterTheLeaderPurgedItsLogGetsTheSnapshot() throws Exception {
        StoreConfig c1 = config(5, 10);
        StoreConfig c2 = config(6, 10);
        RaftStore n1 = bootstrap(c1);
        execute(n1, "CREATE TABLE counter (n INTEGER)");
        execute(n1, "INSERT INTO counter(n) VALUES(0)");
        long counter = 0;
        for (; counter < 60; counter++) {
            execute(n1, "UPDATE counter SET n = n + 1");
        }
        assertTrue(awaitSnapshot(n1).snapshotIndex() > 0);
        // Ratis purges whole closed segments, and only once a snapshot lands a purge gap past the last purge,
        // which counts a purge that found no closed segment as done (RaftLogBase.purge); so which snapshot
        // purges depends on when each background copy lands. Write on until one has (CI once waited 60 s idle).
        for (; logStart(c1) <= 0; counter++) {
            assertTrue(counter < 2_000, "the leader's log is still whole after " + counter + " writes");
            execute(n1, "UPDATE counter SET n = n + 1");
        }
        RaftStore n2 = joiner(c2);
        n2.join(List.of(c1.raftAdvertisedAddress()), false, WAIT, JOIN_INTERVAL);
        awaitCounter(n2, counter);
        assertEquals(dump(n1), dump(n2));
        assertTrue(n2.status().snapshotIndex() > 0, "installed from the leader's snapshot");
    }

    @Test
    void joinGivesUpAfterItsTimeoutAndAnUnjoinedNodeHasNoLeader() throws Exception {
        RaftStore lonely = joiner(config(7, 10_000));
        String nobody = "127.0.0.58:" + freePort("127.0.0.58");
        StoreException e = assertThrows(StoreException.class,
                () -> lonely.join(List.of(nobody), false, Duration.ofSeconds(2), JOIN_INTERVAL));
        assertEquals(StoreException.Reason.UNAVAILABLE, e.reason());
        assertTrue(e.getMessage().startsWith("could not join via [" + nobody + "]: "), e.getMessage());
        assertNull(lonely.leaderId());
        assertFalse(lonely.hasState(), "a node that never joined would join again after a restart");
        Throwable noLeader = causeOf(() -> lonely.submit(Command.execute(
                List.of(Statement.of("CREATE TABLE t (x)")), false, 0, 0)).get(30, TimeUnit.SECONDS));
        assertEquals(StoreException.Reason.NO_LEADER, ((StoreException) noLeader).reason());
        assertEquals(StoreException.Reason.NO_LEADER, ((StoreException) causeOf(
                () -> lonely.readWeak(READ_COUNTER, false, null).get(30, TimeUnit.SECONDS))).reason());
    }

    @Test
    void concurrentWritesShareLogEntriesAndEachGetsItsOwnResult() throws Exception {
        StoreConfig c1 = config(1, 10_000);
        StoreConfig c2 = config(2, 10_000);
        StoreConfig c3 = config(3, 10_000);
        RaftStore n1 = bootstrap(c1);
        RaftStore n2 = joiner(c2);
        n2.join(List.of(c1.raftAdvertisedAddress()), false, WAIT, JOIN_INTERVAL);
        RaftStore n3 = joiner(c3);
        n3.join(List.of(c1.raftAdvertisedAddress()), false, WAIT, JOIN_INTERVAL);
        await("three voters", () -> settledVoters(n1).equals(Set.of("n1", "n2", "n3")));
        Map<String, RaftStore> byId = Map.of("n1", n1, "n2", n2, "n3", n3);
        RaftStore leader = byId.get(awaitAgreedLeader(byId.values()));
        RaftStore follower = byId.values().stream().filter(s -> s != leader).findFirst().orElseThrow();
        execute(leader, "CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT NOT NULL, at TEXT, r INTEGER)");

        int threads = 8;
        int perThread = 25;
        List<Write> writes = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                // every fifth write is a transaction whose second statement fails: it must roll back alone
                writes.add(new Write("w" + t + "-" + i, i % 5 == 4, t % 4 == 3 ? follower : leader));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<CommandResult>> results = new ArrayList<>();
            for (Write w : writes) {
                results.add(pool.submit(() -> w.store().submit(Command.execute(w.statements(), w.failingTransaction(),
                        System.currentTimeMillis(), w.who().hashCode())).get(30, TimeUnit.SECONDS)));
            }
            Set<Long> entries = new java.util.HashSet<>();
            int committed = 0;
            for (int i = 0; i < writes.size(); i++) {
                Write w = writes.get(i);
                CommandResult r = results.get(i).get(60, TimeUnit.SECONDS);
                assertNull(r.error(), w.who());
                entries.add(r.raftIndex());
                if (w.failingTransaction()) {
                    assertEquals(2, r.results().size(), w.who());
                    assertTrue(r.results().get(1) instanceof ErrorResult, w.who() + ": " + r.results());
                    continue;
                }
                committed++;
                ExecuteResult e = (ExecuteResult) r.results().get(0);
                assertEquals(1, e.rowsAffected(), w.who());
                // the row this write's own result names is this write's row: results were not mixed up
                assertEquals(w.who(), scalar(leader.readLinearizable(List.of(Statement.of(
                        "SELECT who FROM t WHERE id = ?", e.lastInsertId())), false, null).get(30, TimeUnit.SECONDS)));
            }
            assertTrue(entries.size() < writes.size(),
                    "concurrent writes shared entries: " + entries.size() + " entries for " + writes.size() + " writes");
            long rows = committed;
            for (RaftStore s : byId.values()) {
                await("every committed row on every node", () -> Long.valueOf(rows).equals(scalar(s.readLocal(
                        List.of(Statement.of("SELECT count(*) FROM t")), false, null))));
            }
            assertEquals(dump(leader), dump(n1));
            assertEquals(dump(n1), dump(n2), "each write's own time and seed on every replica");
            assertEquals(dump(n1), dump(n3));
        } finally {
            pool.shutdownNow();
        }
    }

    private record Write(String who, boolean failingTransaction, RaftStore store) {
        List<Statement> statements() {
            Statement insert = Statement.of("INSERT INTO t(who, at, r) VALUES(?, datetime('now'), random())", who);
            return failingTransaction ? List.of(insert, Statement.of("INSERT INTO missing VALUES(1)")) : List.of(insert);
        }
    }

    // ---- helpers

    private StoreConfig config(int n, long snapshotThreshold) throws IOException {
        String host = "127.0.0.5" + n;
        String addr = host + ":" + freePort(host);
        return new StoreConfig("n" + n, addr, addr, dir.resolve("n" + n), "cluster-test", snapshotThreshold,
                snapshotThreshold < 100 ? 4096 : 1 << 20, 2, Duration.ofSeconds(10), "http://" + host + ":400" + n);
    }

    private RaftStore bootstrap(StoreConfig c) throws Exception {
        RaftStore s = new RaftStore(c, StoreTestSupport.OPENER, p -> { });
        stores.add(s);
        assertFalse(s.hasState());
        s.start(true);
        assertTrue(s.awaitReady(WAIT));
        return s;
    }

    private RaftStore joiner(StoreConfig c) throws Exception {
        RaftStore s = new RaftStore(c, StoreTestSupport.OPENER, p -> { });
        stores.add(s);
        assertFalse(s.hasState());
        s.start(false);
        return s;
    }

    static String dump(RaftStore s) {
        StringWriter out = new StringWriter();
        s.dumpSql(out);
        return out.toString();
    }

    private static Throwable causeOf(Callable<?> call) throws Exception {
        try {
            call.call();
        } catch (ExecutionException e) {
            return e.getCause();
        }
        fail("expected a failure");
        return null;
    }
}

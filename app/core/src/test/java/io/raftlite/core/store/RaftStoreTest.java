package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.ErrorResult;
import io.raftlite.core.command.ExecuteResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static io.raftlite.core.store.StoreTestSupport.config;
import static io.raftlite.core.store.StoreTestSupport.execute;
import static io.raftlite.core.store.StoreTestSupport.freePort;
import static io.raftlite.core.store.StoreTestSupport.scalar;
import static io.raftlite.core.store.StoreTestSupport.startStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class RaftStoreTest {

    /** Like kill -9 for the state machine: no snapshot on a clean stop, so restart must replay the log. */
    static final Consumer<RaftProperties> NO_SNAPSHOT_ON_STOP =
            p -> RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);
    private static final List<Statement> READ_COUNTER = List.of(Statement.of("SELECT n FROM counter"));

    @TempDir
    Path dir;

    @Test
    void singleNodeWritesAndReadsBack() throws Exception {
        try (RaftStore store = startStore(config(dir, freePort(), 1000, 1 << 20), p -> { })) {
            assertTrue(store.isLeader());
            execute(store, "CREATE TABLE foo (id INTEGER PRIMARY KEY, name TEXT)");
            CommandResult insert = execute(store, "INSERT INTO foo(name) VALUES(?)", "fiona");
            ExecuteResult e = (ExecuteResult) insert.results().get(0);
            assertEquals(1, e.lastInsertId());
            assertEquals(1, e.rowsAffected());
            assertTrue(insert.raftIndex() > 0);

            List<Statement> q = List.of(Statement.of("SELECT name FROM foo WHERE id = ?", 1L));
            assertEquals("fiona", scalar(store.readLinearizable(q, false, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS)));
            assertEquals("fiona", scalar(store.readLocal(q, false, null)));

            StoreStatus s = store.status();
            assertEquals("LEADER", s.role());
            assertEquals("node1", s.leaderId());
            assertEquals(store.status().leaderAddress(), s.leaderAddress());
            assertTrue(s.ready());
            assertTrue(s.appliedIndex() >= insert.raftIndex());
            assertEquals(List.of(new StoreNode("node1", s.leaderAddress(), true)), store.nodes());
            assertEquals(Duration.ZERO, store.sinceLeaderContact());
        }
    }

    @Test
    void sqlErrorIsAResultNotAFailure() throws Exception {
        try (RaftStore store = startStore(config(dir, freePort(), 1000, 1 << 20), p -> { })) {
            CommandResult r = store.submit(Command.execute(List.of(Statement.of("INSERT INTO nope VALUES(1)")),
                    false, 0, 0)).get(30, TimeUnit.SECONDS);
            assertInstanceOf(ErrorResult.class, r.results().get(0));
            // the store keeps working
            execute(store, "CREATE TABLE t (x)");
        }
    }

    @Test
    void restartReplaysTheLogExactlyOnce() throws Exception {
        int port = freePort();
        StoreConfig config = config(dir, port, 1000, 1 << 20);
        int n = 25;
        try (RaftStore store = startStore(config, NO_SNAPSHOT_ON_STOP)) {
            createCounter(store);
            increment(store, n);
        }
        try (RaftStore store = startStore(config, NO_SNAPSHOT_ON_STOP)) {
            assertEquals(0, store.status().snapshotIndex(), "no snapshot was taken");
            assertEquals((long) n, counter(store));
            increment(store, 1);
            assertEquals(n + 1L, counter(store));
        }
        try (RaftStore store = startStore(config, NO_SNAPSHOT_ON_STOP)) {
            assertEquals(n + 1L, counter(store));
        }
    }

    @Test
    void cleanStopSnapshotsAndRestartRestoresFromIt() throws Exception {
        StoreConfig config = config(dir, freePort(), 1000, 1 << 20);
        try (RaftStore store = startStore(config, p -> { })) {
            createCounter(store);
            increment(store, 7);
        }
        try (RaftStore store = startStore(config, p -> { })) {
            assertTrue(store.status().snapshotIndex() > 0, "snapshot taken on stop");
            assertEquals(7L, counter(store));
        }
    }

    @Test
    void autoSnapshotPurgesTheLogAndRestartReplaysTheRest() throws Exception {
        StoreConfig config = config(dir, freePort(), 10, 4096);
        int n = 120; // enough entries to close and purge a few 4 KiB segments
        long snapshotIndex;
        long applied;
        try (RaftStore store = startStore(config, NO_SNAPSHOT_ON_STOP)) {
            createCounter(store);
            increment(store, n);
            assertTrue(awaitSnapshot(store).snapshotIndex() > 0);
            // which background copy purges depends on when each lands (SnapshotInstallTest): write on until one has
            for (int round = 0; round < 50 && logStart(config) <= 0; round++) {
                increment(store, 10);
                n += 10;
            }
            StoreStatus s = store.status();
            snapshotIndex = s.snapshotIndex();
            applied = s.appliedIndex();
            assertTrue(snapshotIndex > 0 && snapshotIndex <= applied);
            assertTrue(logStart(config) > 0, "log purged behind the snapshot");
        }
        try (RaftStore store = startStore(config, NO_SNAPSHOT_ON_STOP)) {
            assertEquals((long) n, counter(store));
            assertTrue(store.status().snapshotIndex() >= snapshotIndex);
            assertTrue(store.status().appliedIndex() >= applied);
        }
    }

    @Test
    void loadingGarbageLeavesTheDataUnchanged() throws Exception {
        try (RaftStore store = startStore(config(dir, freePort(), 1000, 1 << 20), p -> { })) {
            createCounter(store);
            increment(store, 3);
            CommandResult r = store.submit(new Command(Command.Kind.LOAD_DATABASE, false, 0, 0, List.of(),
                    "this is not a database".getBytes())).get(30, TimeUnit.SECONDS);
            assertEquals(SqliteStateMachine.INVALID_SQLITE_DATA, r.error());
            assertEquals(3L, counter(store));
            increment(store, 1);
            assertEquals(4L, counter(store));
        }
    }

    @Test
    void loadingABackupReplacesTheData() throws Exception {
        try (RaftStore store = startStore(config(dir, freePort(), 1000, 1 << 20), p -> { })) {
            createCounter(store);
            increment(store, 2);
            Path backup = dir.resolve("backup.sqlite");
            store.backup(backup);
            increment(store, 5);
            CommandResult r = store.submit(new Command(Command.Kind.LOAD_DATABASE, false, 0, 0, List.of(),
                    java.nio.file.Files.readAllBytes(backup))).get(30, TimeUnit.SECONDS);
            assertEquals(null, r.error());
            assertEquals(2L, counter(store));
        }
    }

    @Test
    void aClosedStoreIsUnavailable() throws Exception {
        RaftStore store = startStore(config(dir, freePort(), 1000, 1 << 20), p -> { });
        store.close();
        store.close(); // idempotent
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> store.submit(Command.execute(List.of(Statement.of("SELECT 1")), false, 0, 0)).get());
        assertEquals(StoreException.Reason.UNAVAILABLE, ((StoreException) e.getCause()).reason());
        StoreException local = assertThrows(StoreException.class, () -> store.readLocal(READ_COUNTER, false, null));
        assertEquals(StoreException.Reason.UNAVAILABLE, local.reason());
    }

    static void createCounter(RaftStore store) throws Exception {
        execute(store, "CREATE TABLE counter (n INTEGER NOT NULL)");
        execute(store, "INSERT INTO counter VALUES (0)");
    }

    static void increment(RaftStore store, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            execute(store, "UPDATE counter SET n = n + 1");
        }
    }

    static Object counter(RaftStore store) throws Exception {
        List<StatementResult> r = store.readLinearizable(READ_COUNTER, false, null).get(30, TimeUnit.SECONDS);
        assertEquals(scalar(r), scalar(store.readLocal(READ_COUNTER, false, null)));
        return scalar(r);
    }

    static StoreStatus awaitSnapshot(RaftStore store) throws InterruptedException {
        for (int i = 0; i < 500 && store.status().snapshotIndex() <= 0; i++) {
            Thread.sleep(10);
        }
        return store.status();
    }

    static long logStart(StoreConfig config) throws Exception {
        Path current = config.dataDir().resolve("raft")
                .resolve(RaftPropertiesFactory.groupId(config.clusterName()).getUuid().toString()).resolve("current");
        return SnapshotFiles.logStartIndex(current).orElse(-1);
    }
}

package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.Statement;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.raftlite.core.store.RaftStoreTest.NO_SNAPSHOT_ON_STOP;
import static io.raftlite.core.store.RaftStoreTest.awaitSnapshot;
import static io.raftlite.core.store.RaftStoreTest.counter;
import static io.raftlite.core.store.RaftStoreTest.createCounter;
import static io.raftlite.core.store.RaftStoreTest.increment;
import static io.raftlite.core.store.StoreTestSupport.config;
import static io.raftlite.core.store.StoreTestSupport.freePort;
import static io.raftlite.core.store.StoreTestSupport.startStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class SnapshotRecoveryTest {

    private static final Consumer<RaftProperties> KEEP_LOG = NO_SNAPSHOT_ON_STOP.andThen(
            p -> RaftServerConfigKeys.Log.setPurgeGap(p, Integer.MAX_VALUE));

    @TempDir
    Path dir;

    @Test
    void aSnapshotWithABadMd5IsSkippedAndTheOlderOneUsed() throws Exception {
        StoreConfig config = config(dir, freePort(), 10, 4096);
        writeWithSnapshots(config, KEEP_LOG, 60, false);
        Path corrupted = corruptNewestSnapshot(config);

        try (RaftStore store = startStore(config, KEEP_LOG)) {
            assertEquals(60L, counter(store));
        }
        // the replay after the older snapshot may legitimately take a new, valid snapshot at the same index
        assertTrue(!Files.exists(corrupted) || verifies(corrupted), "the corrupt snapshot is out of Ratis' sight");
        try (Stream<Path> files = Files.list(corrupted.getParent())) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith(corrupted.getFileName() + ".corrupt")));
        }
    }

    @Test
    void refusesToStartWhenNoUsableSnapshotCoversThePurgedLog() throws Exception {
        StoreConfig config = config(dir, freePort(), 10, 4096);
        writeWithSnapshots(config, NO_SNAPSHOT_ON_STOP, 60, true);
        assertTrue(RaftStoreTest.logStart(config) > 0, "log purged");
        corruptNewestSnapshot(config);
        corruptNewestSnapshot(config); // the older one too

        RaftStore store = new RaftStore(config, StoreTestSupport.OPENER, NO_SNAPSHOT_ON_STOP);
        try {
            IOException e = assertThrows(IOException.class, store::start);
            assertTrue(rootMessage(e).contains("Refusing to start"), rootMessage(e));
        } finally {
            store.close();
        }
    }

    @Test
    void aStorageFailureStopsTheServerInsteadOfSkippingTheEntry() throws Exception {
        StoreConfig base = config(dir, freePort(), 1000, 1 << 20);
        java.util.concurrent.CompletableFuture<Long> failedIndex = new java.util.concurrent.CompletableFuture<>();
        StoreConfig config = new StoreConfig(base.nodeId(), base.raftBindAddress(), base.raftAdvertisedAddress(),
                base.dataDir(), base.clusterName(), base.snapshotThreshold(), base.logSegmentSizeBytes(),
                base.readConnections(), Duration.ofSeconds(3))
                .withFailStop((index, failure) -> failedIndex.complete(index));
        try (RaftStore store = new RaftStore(config, diskFullOn("randomblob(100000)"), NO_SNAPSHOT_ON_STOP)) {
            store.start();
            assertTrue(store.awaitReady(Duration.ofSeconds(30)), "store became ready");
            createCounter(store);
            ExecutionException e = assertThrows(ExecutionException.class, () -> store.submit(Command.execute(
                    List.of(Statement.of("INSERT INTO counter SELECT randomblob(100000)")),
                    false, 0, 0)).get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof StoreException, String.valueOf(e.getCause()));
            assertTrue(failedIndex.get(30, TimeUnit.SECONDS) > 0, "the fail-stop hook saw the entry");
            for (int i = 0; i < 500 && store.isLeader(); i++) {
                Thread.sleep(10);
            }
            assertFalse(store.isLeader(), "the server stopped");
            ExecutionException next = assertThrows(ExecutionException.class,
                    () -> store.submit(Command.execute(List.of(Statement.of("UPDATE counter SET n = n + 1")),
                            false, 0, 0)).get(30, TimeUnit.SECONDS));
            assertEquals(StoreException.Reason.UNAVAILABLE, ((StoreException) next.getCause()).reason());
        }
    }

    /** The real database, except that a write containing {@code sql} fails as a full disk does. */
    private static StoreDatabase.Opener diskFullOn(String sql) {
        return (file, n, limits) -> {
            StoreDatabase real = StoreDatabase.REAL.open(file, n, limits);
            return (StoreDatabase) java.lang.reflect.Proxy.newProxyInstance(StoreDatabase.class.getClassLoader(),
                    new Class<?>[] {StoreDatabase.class}, (proxy, method, args) -> {
                        if (method.getName().equals("apply") && args[0].toString().contains(sql)) {
                            throw new io.raftlite.core.db.StorageException("database or disk is full", null);
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        };
    }

    /** {@code n} writes with snapshots every 10; with {@code purged}, more until the log is purged behind them. */
    private static void writeWithSnapshots(StoreConfig config, Consumer<RaftProperties> tuning, int n, boolean purged)
            throws Exception {
        try (RaftStore store = startStore(config, tuning)) {
            createCounter(store);
            increment(store, n);
            assertTrue(awaitSnapshot(store).snapshotIndex() > 0);
            // Ratis purges whole segments once it collects a copy, on its log worker: write on until a segment went
            for (int i = 0; purged && i < 50 && RaftStoreTest.logStart(config) <= 0; i++) {
                increment(store, 5);
                Thread.sleep(20);
            }
            // copies run beside the applies: wait until the newest file is the snapshot Ratis collected (no copy is
            // left in flight) and the clean-up behind it kept two
            for (int i = 0, stable = 0; i < 500 && stable < 3; i++) {
                stable = settled(config, store) ? stable + 1 : 0;
                Thread.sleep(30);
            }
            assertEquals(2, snapshots(config).size(), () -> "two snapshots retained: " + listSm(config));
        }
    }

    /** Two snapshots, the newest the one Ratis collected, and no copy being written (no tmp file, none without MD5). */
    private static boolean settled(StoreConfig config, RaftStore store) throws IOException {
        List<Path> valid = snapshots(config);
        List<String> all = List.of(listSm(config).replaceAll("[\\[\\] ]", "").split(","));
        return valid.size() == 2 && SnapshotFiles.termIndex(valid.get(0)).getIndex() == store.status().snapshotIndex()
                && all.stream().noneMatch(f -> f.endsWith(SnapshotFiles.TMP_SUFFIX))
                && all.stream().filter(f -> f.endsWith(".md5")).count() == 2;
    }

    private static String listSm(StoreConfig config) {
        Path sm = config.dataDir().resolve("raft")
                .resolve(RaftPropertiesFactory.groupId(config.clusterName()).getUuid().toString()).resolve("sm");
        try (Stream<Path> files = Files.list(sm)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList().toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Flips a byte in the middle of the newest intact snapshot; returns its path. */
    private static Path corruptNewestSnapshot(StoreConfig config) throws IOException {
        Path newest = snapshots(config).get(0);
        try (RandomAccessFile f = new RandomAccessFile(newest.toFile(), "rw")) {
            long pos = f.length() / 2;
            f.seek(pos);
            int b = f.read();
            f.seek(pos);
            f.write(b ^ 0xff);
        }
        // make it look older than the next one so a second call corrupts the other snapshot
        Files.move(newest, newest.resolveSibling(newest.getFileName() + ".x"));
        Files.move(newest.resolveSibling(newest.getFileName() + ".x"), newest);
        return newest;
    }

    /** Intact-looking snapshot files (not yet corrupted by this test), newest first. */
    private static List<Path> snapshots(StoreConfig config) throws IOException {
        Path sm = config.dataDir().resolve("raft")
                .resolve(RaftPropertiesFactory.groupId(config.clusterName()).getUuid().toString()).resolve("sm");
        try (Stream<Path> files = Files.list(sm)) {
            return files.filter(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+"))
                    .filter(SnapshotRecoveryTest::verifies)
                    .sorted(Comparator.comparingLong((Path p) -> SnapshotFiles.termIndex(p).getIndex()).reversed())
                    .toList();
        }
    }

    private static boolean verifies(Path snapshot) {
        try {
            return org.apache.ratis.util.MD5FileUtil.computeMd5ForFile(snapshot.toFile())
                    .equals(org.apache.ratis.util.MD5FileUtil.readStoredMd5ForFile(snapshot.toFile()));
        } catch (IOException e) {
            return false;
        }
    }

    private static String rootMessage(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" / ");
        }
        return sb.toString();
    }
}

package io.raftlite.core.workaround;

import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.SizeInBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A log appender looks up the latest snapshot (an empty directory scan) while {@code takeSnapshot} records the
 * first one: Ratis' storage throws from the lookup, {@link LockedSnapshotStorage} does not. The canary
 * {@link #stockStorageThrowsWhenAnEmptyScanFollowsARecord} runs Ratis' own code on a real storage directory.
 */
@Timeout(30)
class LockedSnapshotStorageTest {

    private static final SingleFileSnapshotInfo TAKEN =
            new SingleFileSnapshotInfo(new FileInfo(Path.of("snapshot.1_9"), null), 1, 9);

    @TempDir
    Path dir;

    /** Canary: the race's last step, run by Ratis itself; fails once Ratis tolerates an empty scan. */
    @Test
    void stockStorageThrowsWhenAnEmptyScanFollowsARecord() throws Exception {
        RaftStorage raft = RaftStorage.newBuilder().setDirectory(dir.toFile())
                .setOption(RaftStorage.StartupOption.FORMAT).setStorageFreeSpaceMin(SizeInBytes.ONE_MB).build();
        raft.initialize();
        try {
            SimpleStateMachineStorage stock = new SimpleStateMachineStorage();
            stock.init(raft); // sm/ is empty: the scan finds no snapshot
            stock.updateLatestSnapshot(TAKEN); // what takeSnapshot records while a lookup scans
            assertThrows(NullPointerException.class, stock::loadLatestSnapshot,
                    "Ratis' storage tolerates an empty scan after a record: delete LockedSnapshotStorage");

            LockedSnapshotStorage locked = new LockedSnapshotStorage();
            locked.init(raft);
            locked.updateLatestSnapshot(TAKEN);
            assertDoesNotThrow(locked::loadLatestSnapshot);
            assertEquals(TAKEN, locked.getLatestSnapshot(), "the recorded snapshot is kept");
        } finally {
            raft.close();
        }
    }

    /** The whole race, the scan paused between its two steps: the locked storage makes the record wait. */
    @Test
    void lockedStorageDoesNot() throws Exception {
        Race race = race(new PausingLocked());
        assertDoesNotThrow(() -> race.lookup.get(10, TimeUnit.SECONDS));
        race.record.get(10, TimeUnit.SECONDS);
        assertEquals(TAKEN, race.storage.getLatestSnapshot(), "the recorded snapshot is kept");
        assertNull(new LockedSnapshotStorage().updateLatestSnapshot(null), "an empty scan records nothing");
    }

    private record Race(Pausing storage, CompletableFuture<SingleFileSnapshotInfo> lookup,
                        CompletableFuture<SingleFileSnapshotInfo> record) {
    }

    /** The lookup finds no snapshot on disk and pauses; meanwhile a snapshot is recorded; then it goes on. */
    private static Race race(Pausing storage) throws Exception {
        CompletableFuture<SingleFileSnapshotInfo> lookup = CompletableFuture.supplyAsync(storage::getLatestSnapshot);
        assertEquals(true, storage.scanning().await(10, TimeUnit.SECONDS));
        CompletableFuture<SingleFileSnapshotInfo> record = CompletableFuture.supplyAsync(() -> storage.updateLatestSnapshot(TAKEN));
        Thread.sleep(200); // the record either happened (stock) or waits for the lookup's lock (locked)
        storage.resume().countDown();
        return new Race(storage, lookup, record);
    }

    /** The scan signals it started, then waits to be resumed. */
    private record Latches(CountDownLatch scanning, CountDownLatch resume) {
        Latches() {
            this(new CountDownLatch(1), new CountDownLatch(1));
        }
    }

    private interface Pausing {
        Latches latches();

        default CountDownLatch scanning() {
            return latches().scanning();
        }

        default CountDownLatch resume() {
            return latches().resume();
        }

        SingleFileSnapshotInfo getLatestSnapshot();

        SingleFileSnapshotInfo updateLatestSnapshot(SingleFileSnapshotInfo info);
    }

    /** What Ratis' loadLatestSnapshot does with an empty directory: record what the scan found, null. */
    private static SingleFileSnapshotInfo emptyScan(Pausing p, SimpleStateMachineStorage s) {
        p.scanning().countDown();
        assertDoesNotThrow(() -> p.resume().await(10, TimeUnit.SECONDS));
        return s.updateLatestSnapshot(null);
    }

    private static final class PausingLocked extends LockedSnapshotStorage implements Pausing {
        private final Latches latches = new Latches();

        @Override
        public synchronized SingleFileSnapshotInfo loadLatestSnapshot() {
            return emptyScan(this, this);
        }

        @Override
        public Latches latches() {
            return latches;
        }
    }
}

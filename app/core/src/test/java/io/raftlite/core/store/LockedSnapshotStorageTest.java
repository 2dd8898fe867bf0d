package io.raftlite.core.store;

import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A log appender looks up the latest snapshot (an empty directory scan) while {@code takeSnapshot} records the
 * first one: Ratis 3.2.2's storage throws from the lookup, {@link LockedSnapshotStorage} does not.
 */
@Timeout(30)
class LockedSnapshotStorageTest {

    private static final SingleFileSnapshotInfo TAKEN =
            new SingleFileSnapshotInfo(new FileInfo(Path.of("snapshot.1_9"), null), 1, 9);

    @Test
    void stockStorageRaces() throws Exception {
        Throwable failure = race(new PausingStock()).lookup.handle((r, t) -> t).get(10, TimeUnit.SECONDS);
        assertInstanceOf(NullPointerException.class, failure instanceof java.util.concurrent.CompletionException
                ? failure.getCause() : failure, "Ratis' storage no longer races: delete LockedSnapshotStorage");
    }

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

    /** What 3.2.2's loadLatestSnapshot does with an empty directory: record what the scan found, null. */
    private static SingleFileSnapshotInfo emptyScan(Pausing p, SimpleStateMachineStorage s) {
        p.scanning().countDown();
        assertDoesNotThrow(() -> p.resume().await(10, TimeUnit.SECONDS));
        return s.updateLatestSnapshot(null);
    }

    private static final class PausingStock extends SimpleStateMachineStorage implements Pausing {
        private final Latches latches = new Latches();

        @Override
        public SingleFileSnapshotInfo loadLatestSnapshot() {
            return emptyScan(this, this);
        }

        @Override
        public Latches latches() {
            return latches;
        }
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

package io.raftlite.core.store;

import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.server.RaftServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.raftlite.core.store.RaftStoreTest.NO_SNAPSHOT_ON_STOP;
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

/**
 * An automatic snapshot is copied off the apply thread (issue 16's 1-node write tail): writes go on while the
 * copy runs, and the snapshot holds exactly the state at its index.
 */
@Timeout(120)
class SnapshotCopyTest {

    @TempDir
    Path dir;

    /** What the database's {@code pin} does instead (it may call the real one). */
    private interface PinHook {
        StoreDatabase.Pinned pin(StoreDatabase real) throws Exception;
    }

    /** The real database, with {@code pin} (one call per snapshot copy started, on the apply thread) hooked. */
    private static StoreDatabase.Opener withPin(PinHook hook) {
        return (file, n, limits) -> {
            StoreDatabase real = StoreDatabase.REAL.open(file, n, limits);
            return (StoreDatabase) Proxy.newProxyInstance(StoreDatabase.class.getClassLoader(),
                    new Class<?>[] {StoreDatabase.class}, (proxy, method, args) -> {
                        if (method.getName().equals("pin")) {
                            return hook.pin(real);
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        };
    }

    /**
     * The real database, except that the {@code nth} snapshot copy counts {@code copying} down, waits for
     * {@code release} and leaves the path it writes to (the snapshot's temporary name) in {@code heldFile}.
     */
    private static StoreDatabase.Opener copyWaitsFor(int nth, CountDownLatch copying, CountDownLatch release,
                                                     AtomicReference<Path> heldFile) {
        AtomicInteger pins = new AtomicInteger();
        return withPin(real -> {
            StoreDatabase.Pinned pinned = real.pin();
            if (pins.incrementAndGet() != nth) {
                return pinned;
            }
            return new StoreDatabase.Pinned() {
                @Override
                public void writeTo(Path target) {
                    heldFile.set(target);
                    copying.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    pinned.writeTo(target);
                }

                @Override
                public void close() {
                    pinned.close();
                }
            };
        });
    }

    @Test
    void writesGoOnWhileASnapshotIsCopiedAndTheSnapshotIsTheStateAtItsIndex() throws Exception {
        StoreConfig config = config(dir, freePort(), 20, 1 << 20);
        CountDownLatch copying = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Path> heldFile = new AtomicReference<>();
        int before = 0;
        try (RaftStore store = new RaftStore(config, copyWaitsFor(2, copying, release, heldFile), NO_SNAPSHOT_ON_STOP)) {
            store.start();
            assertTrue(store.awaitReady(Duration.ofSeconds(30)), "store became ready");
            Held held = holdACopyAndWriteMeanwhile(store, copying, release);
            before = held.writesBefore();
            // No write from here on: Ratis collects the held copy because the copy asks it to (askRatisToCollect).
            // The 30 writes put the applied index more than the threshold (20) past it, so collecting it starts
            // the next copy at once, and that one is collected the same way: the idle node's snapshot catches up.
            long applied = store.status().appliedIndex();
            for (int i = 0; i < 500 && store.status().snapshotIndex() < applied; i++) {
                Thread.sleep(10);
            }
            assertEquals(applied, store.status().snapshotIndex(), "an idle node's snapshot catches up with its applies");
            String tmpName = heldFile.get().getFileName().toString(); // the copy is written to a temporary name
            Path snapshot = heldFile.get().resolveSibling(
                    tmpName.substring(0, tmpName.length() - SnapshotFiles.TMP_SUFFIX.length()));
            assertTrue(Files.exists(Path.of(snapshot + ".md5")), "the held copy written whole, with its checksum");
            long inSnapshot = counterIn(snapshot);
            assertTrue(inSnapshot > 0 && inSnapshot <= before, "the state at the pinned index, not later: " + inSnapshot);
            assertEquals((long) before + 30, counterIn(snapshotFile(config, applied)));

            increment(store, 1); // hands the snapshot to Ratis (which purges the log behind it, once long enough)
            assertEquals((long) before + 31, counter(store));
        }
        try (RaftStore store = startStore(config, NO_SNAPSHOT_ON_STOP)) {
            assertEquals((long) before + 31, counter(store), "restored from the snapshot, then the log replayed");
        }
    }

    /**
     * An operator's snapshot ({@code POST /snapshot}) is copied beside the apply thread too: writes go on while it is
     * held, the answer waits for it and names a snapshot that holds every write applied before the call.
     */
    @Test
    void writesGoOnWhileAnOperatorsSnapshotIsCopied() throws Exception {
        StoreConfig config = config(dir, freePort(), 1_000_000, 1 << 20); // no automatic snapshot
        CountDownLatch copying = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Path> heldFile = new AtomicReference<>();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try (RaftStore store = new RaftStore(config, copyWaitsFor(1, copying, release, heldFile), NO_SNAPSHOT_ON_STOP)) {
            store.start();
            assertTrue(store.awaitReady(Duration.ofSeconds(30)), "store became ready");
            createCounter(store);
            increment(store, 10);
            long applied = store.status().appliedIndex();
            var snapshot = threads.submit(() -> store.snapshot(Duration.ofSeconds(60)));
            try {
                assertTrue(copying.await(30, TimeUnit.SECONDS), "the operator's copy started");
                // held: with the copy on the apply thread none of these would be applied (10 s apply timeout)
                threads.submit(() -> {
                    increment(store, 30);
                    return null;
                }).get(20, TimeUnit.SECONDS);
                assertEquals(40L, counter(store));
                assertFalse(snapshot.isDone(), "the answer waits for the copy");
            } finally {
                release.countDown(); // before the store closes: closing waits for the apply thread
            }
            long index = snapshot.get(30, TimeUnit.SECONDS);
            assertTrue(index >= applied, "the snapshot holds every write applied before the call: " + index);
            assertEquals(10L, counterIn(snapshotFile(config, index)), "the state at the pinned index, not later");
            assertTrue(store.status().snapshotIndex() >= index, "handed to Ratis");

            long second = store.snapshot(Duration.ofSeconds(30));
            assertEquals(store.status().appliedIndex(), second, "the 30 writes made meanwhile are in the next one");
            assertEquals(40L, counterIn(snapshotFile(config, second)));
            assertEquals(-1, store.snapshot(Duration.ofSeconds(30)), "nothing applied since the last one");
        } finally {
            threads.shutdownNow();
        }
        try (RaftStore store = startStore(config, NO_SNAPSHOT_ON_STOP)) {
            assertEquals(40L, counter(store), "restored from the snapshot");
        }
    }

    /**
     * Ratis calls {@code takeSnapshot} for a snapshot-management request still pending after the copy it was to
     * collect has been collected (the copy's own collect request, late): with a write applied since, that call used
     * to start another copy below the threshold, after an automatic snapshot and after an operator's one. Ratis'
     * snapshot at stop still copies.
     */
    @Test
    void aLateCollectRequestStartsNoCopyBelowTheThreshold() throws Exception {
        StoreConfig config = config(dir, freePort(), 20, 1 << 20);
        AtomicInteger pins = new AtomicInteger();
        StoreDatabase.Opener counted = withPin(real -> {
            pins.incrementAndGet();
            return real.pin();
        });
        long applied;
        try (RaftStore store = new RaftStore(config, counted, p -> { })) { // Ratis' default: a snapshot at stop
            store.start();
            assertTrue(store.awaitReady(Duration.ofSeconds(30)), "store became ready");
            createCounter(store);
            increment(store, 25); // past the threshold of 20 once
            ClusterTestSupport.await("the automatic snapshot collected", () -> store.status().snapshotIndex() > 0);
            increment(store, 1);
            lateCollectRequest(store);
            assertEquals(1, pins.get(), "one automatic copy: the late request collected nothing and started none");

            long operators = store.snapshot(Duration.ofSeconds(30));
            assertEquals(store.status().appliedIndex(), operators);
            assertEquals(2, pins.get(), "one copy for the operator's request");
            increment(store, 1);
            lateCollectRequest(store);
            assertEquals(2, pins.get(), "the operator's want ended with its answer");
            applied = store.status().appliedIndex();
        }
        assertEquals(3, pins.get(), "Ratis' snapshot at stop copied");
        assertEquals(27L, counterIn(snapshotFile(config, applied)), "the stop's snapshot holds every write");
    }

    /**
     * A copy that cannot start (the database cannot be pinned: no file descriptor left, say) answers the operator
     * at once with the reason; Ratis, given the exception, would have left the request pending until its timeout.
     */
    @Test
    void anOperatorsSnapshotThatCannotStartIsRefusedWithItsReason() throws Exception {
        StoreConfig config = config(dir, freePort(), 1_000_000, 1 << 20); // no automatic snapshot
        AtomicInteger pins = new AtomicInteger();
        StoreDatabase.Opener firstPinFails = withPin(real -> {
            if (pins.incrementAndGet() == 1) {
                throw new IllegalStateException("no file descriptor left (test)");
            }
            return real.pin();
        });
        try (RaftStore store = new RaftStore(config, firstPinFails, NO_SNAPSHOT_ON_STOP)) {
            store.start();
            assertTrue(store.awaitReady(Duration.ofSeconds(30)), "store became ready");
            createCounter(store);
            increment(store, 3);
            StoreException e = assertThrows(StoreException.class, () -> store.snapshot(Duration.ofSeconds(30)));
            assertEquals(StoreException.Reason.UNAVAILABLE, e.reason(), e.getMessage()); // not TIMEOUT
            assertTrue(e.getMessage().contains("no file descriptor left (test)"), e.getMessage());
            assertEquals(store.status().appliedIndex(), store.snapshot(Duration.ofSeconds(30)), "the next one copies");
            assertEquals(2, pins.get());
        }
    }

    /** A snapshot-management request such as the copy's own (creation gap 1), answered once takeSnapshot ran. */
    private static void lateCollectRequest(RaftStore store) throws Exception {
        RaftServer.Division d = store.division();
        var reply = d.getRaftServer().snapshotManagementAsync(SnapshotManagementRequest.newCreate(ClientId.randomId(),
                d.getId(), d.getGroup().getGroupId(), 1, 30_000, 1)).get(30, TimeUnit.SECONDS);
        assertTrue(reply.isSuccess(), "answered: " + reply);
    }

    /** Writes until the second snapshot copy starts and then, while it is held, 30 more. */
    private record Held(int writesBefore, long firstSnapshot) {
    }

    private static Held holdACopyAndWriteMeanwhile(RaftStore store, CountDownLatch copying, CountDownLatch release)
            throws Exception {
        try {
            createCounter(store);
            int before = 0;
            while (copying.getCount() > 0) {
                increment(store, 1);
                before++;
                assertTrue(before < 200, "a second snapshot started after 40 entries");
            }
            long first = store.status().snapshotIndex();
            assertTrue(first > 0, "the first snapshot, copied without waiting, is collected");
            // the copy is held: with the copy on the apply thread, none of these would be applied
            increment(store, 30);
            assertEquals((long) before + 30, counter(store));
            assertEquals(first, store.status().snapshotIndex(), "no new snapshot until the copy is written");
            return new Held(before, first);
        } finally {
            release.countDown();
        }
    }

    private static Path snapshotFile(StoreConfig config, long index) throws Exception {
        Path sm = config.dataDir().resolve("raft")
                .resolve(RaftPropertiesFactory.groupId(config.clusterName()).getUuid().toString()).resolve("sm");
        try (var files = Files.list(sm)) {
            return files.filter(p -> p.getFileName().toString().matches("snapshot\\.\\d+_" + index)).findFirst()
                    .orElseThrow();
        }
    }

    private static long counterIn(Path snapshot) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + snapshot + "?mode=ro");
             ResultSet rs = c.createStatement().executeQuery("SELECT n FROM counter")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

package io.raftlite.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.raftlite.core.store.StoreObserver;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Records the store's events into timers with a fixed bucket set and a counter; nothing else allocates. */
final class MicrometerStoreObserver implements StoreObserver {

    /** 100 µs to 5 s: an fsync'd commit is around a millisecond, a snapshot of a large database seconds. */
    static final Duration[] BUCKETS = {
            Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
            Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1),
            Duration.ofSeconds(5)};

    private final Timer append;
    private final Timer apply;
    private final Timer snapshot;
    private final Counter leaderChanges;

    MicrometerStoreObserver(MeterRegistry registry) {
        append = timer(registry, "raftlite.raft.log.append",
                "Leader: time from submitting a write to its commit on a majority and apply here");
        apply = timer(registry, "raftlite.raft.apply", "Time to apply one log entry to SQLite");
        snapshot = timer(registry, "raftlite.raft.snapshot", "Snapshots taken here and the time each took");
        leaderChanges = Counter.builder("raftlite.raft.leader.changes")
                .description("Times this node learnt of a new leader (itself included)").register(registry);
    }

    private static Timer timer(MeterRegistry registry, String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(BUCKETS)
                .publishPercentileHistogram(false).register(registry);
    }

    @Override
    public void committed(long nanos) {
        append.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void applied(long nanos) {
        apply.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void snapshotTaken(long nanos) {
        snapshot.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void leaderChanged() {
        leaderChanges.increment();
    }
}

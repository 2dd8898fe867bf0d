package io.raftlite.server.render;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The fallback {@link TableChanges} until the watch feed is merged: it polls the store's last applied index
 * every {@code interval} and treats any advance as a change of every table ({@link TableChanges#ALL}). It
 * wakes a renderer for writes to tables it did not read and for Raft's own entries; the render then finds
 * equal content and leaves the file alone, so the cost is a re-render, never a spurious write or reload.
 */
public final class PollingTableChanges implements TableChanges, AutoCloseable {

    private record Waiter(long afterIndex, long deadlineNanos, CompletableFuture<Void> done) {
    }

    private final LongSupplier appliedIndex;
    private final ScheduledExecutorService timer;
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();

    public PollingTableChanges(LongSupplier appliedIndex, Duration interval) {
        this.appliedIndex = appliedIndex;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "render-changes");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, interval.toMillis());
        timer.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public long index() {
        return appliedIndex.getAsLong();
    }

    @Override
    public Set<String> changedSince(long index) {
        return index() > index ? ALL : Set.of();
    }

    @Override
    public CompletableFuture<Void> awaitChange(Set<String> tables, long afterIndex, Duration max) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (index() > afterIndex || max.isZero() || max.isNegative()) {
            done.complete(null);
            return done;
        }
        waiters.add(new Waiter(afterIndex, System.nanoTime() + max.toNanos(), done));
        return done;
    }

    private void poll() {
        long now = System.nanoTime();
        long index;
        try {
            index = index();
        } catch (RuntimeException e) {
            index = Long.MIN_VALUE; // the store is restarting: only deadlines fire
        }
        for (Waiter w : waiters) {
            if (index > w.afterIndex() || now - w.deadlineNanos() >= 0) {
                waiters.remove(w);
                w.done().complete(null);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        waiters.forEach(w -> w.done().complete(null));
        waiters.clear();
    }
}

package io.raftlite.core.watch;

import io.raftlite.core.db.TableChanges;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per table, the newest log index at which a committed entry changed it; and the watchers waiting for one
 * of their tables to change after the index they hold. The apply thread records ({@link #applied},
 * {@link #reset}); any thread watches. A watcher is a future, completed by the apply thread or by the
 * JDK's shared delay timer when its wait ends: it holds no thread. The apply thread only finds the watchers
 * a change concerns; their futures complete on the common pool. The caller bounds their number (each
 * {@link #watch} says how many may wait). See the package documentation.
 */
public final class ChangeLog {

    private final Map<String, Long> changedAt = new ConcurrentHashMap<>();
    /** Every table counts as changed at this index (the last restart, restore or install). */
    private volatile long floor;
    private volatile long applied;
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    private final AtomicInteger watching = new AtomicInteger();
    private final Executor wakeUp;

    /** Watchers' answers complete on the JDK's default executor (the common pool). */
    public ChangeLog() {
        this(ForkJoinPool.commonPool());
    }

    /** For tests: answers complete on {@code wakeUp} ({@code Runnable::run}: on the recording thread). */
    public ChangeLog(Executor wakeUp) {
        this.wakeUp = wakeUp;
    }

    /** A watch: {@code tables} null for any table. */
    private record Waiter(Set<String> tables, long index, CompletableFuture<WatchResult> future) {
    }

    /** Apply thread: entry {@code index} was applied and committed {@code changes}. */
    public void applied(long index, TableChanges changes) {
        if (!changes.isEmpty()) {
            record(index, changes);
        }
        applied = Math.max(applied, index);
        if (!changes.isEmpty()) {
            wake(changes);
        }
    }

    /**
     * Apply thread: the database was rebuilt at {@code index} (a restart, a restore, a snapshot install):
     * every table counts as changed there, and the node's index is {@code index} until the replay goes on.
     */
    public void reset(long index, TableChanges tables) {
        // The database holds what entry index left. A restart may restore a snapshot older than what was applied
        // (the log replays the rest again): changes recorded past it are forgotten until the replay records them
        // again, so no answer names an index past the applied one.
        changedAt.replaceAll((table, at) -> Math.min(at, index));
        floor = index;
        record(index, tables);
        applied = index;
        wake(null);
    }

    private void record(long index, TableChanges changes) {
        if (changes.all()) {
            floor = Math.max(floor, index);
        }
        for (String table : changes.tables()) {
            changedAt.merge(table, index, Math::max);
        }
    }

    private void wake(TableChanges changes) {
        for (Waiter w : waiters) {
            if (changes == null || changes.all() || w.tables() == null || intersects(w.tables(), changes.tables())) {
                // completed on another thread: what the answer's consumers do (the HTTP response)
                // must not hold up the apply thread, which wakes up to every watcher of the node at once
                changedAfter(w.tables(), w.index()).ifPresent(r -> wakeUp.execute(() -> finish(w, r)));
            }
        }
    }

    /** Frees the watcher's place, then answers it: whoever sees the answer sees the place free. */
    private void finish(Waiter w, WatchResult result) {
        if (waiters.remove(w)) {
            watching.decrementAndGet();
            w.future().complete(result);
        }
    }

    private static boolean intersects(Set<String> a, Set<String> b) {
        for (String t : a) {
            if (b.contains(t)) {
                return true;
            }
        }
        return false;
    }

    /** The node's applied index as this log knows it. */
    public long appliedIndex() {
        return applied;
    }

    /** Watchers waiting now. */
    public int watchers() {
        return watching.get();
    }

    /**
     * At once: the current index and the tables (null: any) changed after {@code index} (all that ever
     * changed, for 0). The index is the newest such change, or the node's index when {@code index} is 0.
     */
    public WatchResult now(Set<String> tables, long index) {
        Optional<WatchResult> changed = changedAfter(tables, index);
        if (index <= 0) {
            return new WatchResult(applied, changed.map(WatchResult::tables).orElse(List.of()));
        }
        return changed.orElse(new WatchResult(Math.max(applied, index), List.of()));
    }

    /**
     * A future completed as soon as one of {@code tables} (null: any) changed after {@code index}, or with
     * {@code {index, []}} after {@code wait}; empty when {@code maxWatchers} are already waiting.
     */
    public Optional<CompletableFuture<WatchResult>> watch(Set<String> tables, long index, Duration wait,
                                                          int maxWatchers) {
        if (watching.incrementAndGet() > maxWatchers) {
            watching.decrementAndGet();
            return Optional.empty();
        }
        CompletableFuture<WatchResult> future = new CompletableFuture<>();
        Waiter w = new Waiter(tables == null ? null : Set.copyOf(tables), index, future);
        waiters.add(w);
        future.whenComplete((r, e) -> {
            if (waiters.remove(w)) {
                watching.decrementAndGet();
            }
        });
        future.completeOnTimeout(new WatchResult(index, List.of()), wait.toNanos(), TimeUnit.NANOSECONDS);
        changedAfter(w.tables(), index).ifPresent(r -> finish(w, r)); // a change recorded before add
        return Optional.of(future);
    }

    private Optional<WatchResult> changedAfter(Set<String> tables, long index) {
        long newest = 0;
        Set<String> names = new TreeSet<>();
        boolean everything = floor > index;
        if (tables == null) {
            for (Map.Entry<String, Long> e : changedAt.entrySet()) {
                if (e.getValue() > index) {
                    names.add(e.getKey());
                    newest = Math.max(newest, e.getValue());
                }
            }
        } else {
            for (String t : tables) {
                long at = Math.max(changedAt.getOrDefault(t, 0L), floor);
                if (at > index) {
                    names.add(t);
                    newest = Math.max(newest, at);
                }
            }
        }
        if (everything) {
            newest = Math.max(newest, floor);
        }
        return names.isEmpty() && !everything ? Optional.empty()
                : Optional.of(new WatchResult(newest, new ArrayList<>(names)));
    }
}

package io.raftlite.core.watch;

import io.raftlite.core.db.TableChanges;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChangeLogTest {

    private static final Duration LONG = Duration.ofMinutes(5);

    private static TableChanges only(String... tables) {
        return new TableChanges(Set.of(tables), false);
    }

    @Test
    void aWatcherWakesOnlyForItsTables() throws Exception {
        ChangeLog log = new ChangeLog(Runnable::run);
        log.applied(3, only("a"));
        CompletableFuture<WatchResult> onB = log.watch(Set.of("b", "c"), 3, LONG, 10).orElseThrow();
        CompletableFuture<WatchResult> any = log.watch(null, 3, LONG, 10).orElseThrow();
        log.applied(4, only("a"));
        log.applied(5, TableChanges.NONE);
        assertFalse(onB.isDone(), "a change to a is no news for a watcher of b and c");
        assertEquals(new WatchResult(4, List.of("a")), any.get(5, TimeUnit.SECONDS));
        log.applied(6, only("c", "d"));
        assertEquals(new WatchResult(6, List.of("c")), onB.get(5, TimeUnit.SECONDS));
        assertEquals(0, log.watchers());
    }

    @Test
    void aChangeRecordedBeforeTheWatchAnswersAtOnce() throws Exception {
        ChangeLog log = new ChangeLog(Runnable::run);
        log.applied(7, only("a", "b"));
        assertEquals(new WatchResult(7, List.of("a")), log.watch(Set.of("a"), 6, LONG, 10).orElseThrow().getNow(null));
        assertEquals(new WatchResult(7, List.of("a", "b")), log.now(null, 0));
        assertEquals(new WatchResult(7, List.of()), log.now(Set.of("z"), 0));
    }

    @Test
    void aResetCountsEveryTableAsChangedThere() throws Exception {
        ChangeLog log = new ChangeLog(Runnable::run);
        log.applied(5, only("a"));
        CompletableFuture<WatchResult> w = log.watch(Set.of("z"), 5, LONG, 10).orElseThrow();
        log.reset(20, new TableChanges(Set.of("a", "b"), true));
        assertEquals(new WatchResult(20, List.of("z")), w.get(5, TimeUnit.SECONDS));
        // an index older than the floor: the client re-reads everything it watches
        assertEquals(new WatchResult(20, List.of("q")), log.watch(Set.of("q"), 19, LONG, 10).orElseThrow().getNow(null));
        // at the floor: waits for what comes after it
        assertFalse(log.watch(Set.of("q"), 20, Duration.ofMillis(1), 10).orElseThrow()
                .get(5, TimeUnit.SECONDS).tables().contains("q"));
    }

    @Test
    void aResetToAnOlderIndexForgetsWhatTheReplayWillRecordAgain() throws Exception {
        ChangeLog log = new ChangeLog(Runnable::run);
        log.reset(55, new TableChanges(Set.of("a"), true)); // a snapshot installed at 55
        log.applied(62, only("a"));
        log.reset(55, new TableChanges(Set.of("a"), true)); // a restart restores the same snapshot: 62 replays later
        assertEquals(new WatchResult(55, List.of("a")), log.now(Set.of("a"), 1), "never past the applied index");
        assertEquals(55, log.appliedIndex());
        CompletableFuture<WatchResult> w = log.watch(Set.of("a"), 55, LONG, 10).orElseThrow();
        log.applied(62, only("a"));
        assertEquals(new WatchResult(62, List.of("a")), w.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aWaitEndsWithTheSameIndexAndTheNumberOfWatchersIsBounded() throws Exception {
        ChangeLog log = new ChangeLog(Runnable::run);
        log.applied(2, only("a"));
        CompletableFuture<WatchResult> first = log.watch(Set.of("a"), 2, Duration.ofMillis(50), 2).orElseThrow();
        Optional<CompletableFuture<WatchResult>> second = log.watch(Set.of("a"), 2, LONG, 2);
        assertTrue(second.isPresent());
        assertTrue(log.watch(Set.of("a"), 2, LONG, 2).isEmpty(), "the third of at most two is refused");
        assertEquals(new WatchResult(2, List.of()), first.get(5, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (log.watchers() > 1 && System.nanoTime() < deadline) { // the timer frees it right after answering
            Thread.onSpinWait();
        }
        assertTrue(log.watch(Set.of("a"), 2, LONG, 2).isPresent(), "the timed-out one freed its place");
        log.applied(3, only("a"));
        assertEquals(0, log.watchers());
    }
}

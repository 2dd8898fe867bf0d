package io.raftlite.core.queue;

import io.raftlite.core.command.Statement;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriteQueueTest {

    private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());

    private CompletableFuture<?> record(List<Statement> statements) {
        batches.add(statements.stream().map(Statement::sql).toList());
        return CompletableFuture.completedFuture(null);
    }

    @Test
    void requestsArrivingTogetherBecomeOneBatchInArrivalOrder() throws Exception {
        try (WriteQueue q = new WriteQueue(this::record, 100, 10, Duration.ofMillis(200), Duration.ofMillis(10))) {
            List<WriteQueue.Ticket> tickets = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                tickets.add(q.enqueue(List.of(Statement.of("s" + i))));
            }
            for (WriteQueue.Ticket t : tickets) {
                t.flushed().get(5, TimeUnit.SECONDS);
            }
            assertEquals(1, batches.size(), "10 statements with batch size 10 make one entry: " + batches);
            assertEquals(List.of("s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"), batches.get(0));
            assertTrue(tickets.get(1).sequenceNumber() > tickets.get(0).sequenceNumber());
            assertEquals(tickets.get(9).sequenceNumber(), q.lastFlushedSequence());
        }
    }

    @Test
    void aLoneRequestIsFlushedAfterTheTimeout() throws Exception {
        try (WriteQueue q = new WriteQueue(this::record, 100, 128, Duration.ofMillis(20), Duration.ofMillis(10))) {
            q.enqueue(List.of(Statement.of("only"))).flushed().get(5, TimeUnit.SECONDS);
            assertEquals(List.of(List.of("only")), batches);
        }
    }

    @Test
    void aFailedBatchIsRetriedUntilItIsApplied() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        WriteQueue.Sink flaky = statements -> attempts.incrementAndGet() < 3
                ? CompletableFuture.failedFuture(new IllegalStateException("leader not found"))
                : record(statements);
        try (WriteQueue q = new WriteQueue(flaky, 100, 128, Duration.ofMillis(5), Duration.ofMillis(10))) {
            WriteQueue.Ticket t = q.enqueue(List.of(Statement.of("x")));
            t.flushed().get(5, TimeUnit.SECONDS);
            assertEquals(3, attempts.get());
            assertEquals(List.of(List.of("x")), batches);
        }
    }

    @Test
    void closingFlushesWhatIsQueued() throws Exception {
        WriteQueue.Ticket t;
        try (WriteQueue q = new WriteQueue(this::record, 100, 128, Duration.ofSeconds(30), Duration.ofMillis(10))) {
            t = q.enqueue(List.of(Statement.of("late")));
            assertFalse(t.flushed().isDone());
        }
        assertTrue(t.flushed().isDone());
        assertEquals(List.of(List.of("late")), batches);
    }
}

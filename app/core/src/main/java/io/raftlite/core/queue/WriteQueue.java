package io.raftlite.core.queue;

import io.raftlite.core.command.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Batches queued write requests into single log entries on one background thread. */
public final class WriteQueue implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WriteQueue.class);

    /** Where a batch goes: completes when the batch is applied, exceptionally when it was not. */
    @FunctionalInterface
    public interface Sink {
        CompletableFuture<?> submit(List<Statement> statements);
    }

    /** What a queued request gets back: its sequence number, and a future completed when it is flushed. */
    public record Ticket(long sequenceNumber, CompletableFuture<Void> flushed) {
    }

    private record Pending(List<Statement> statements, Ticket ticket) {
    }

    private final Sink sink;
    private final BlockingQueue<Pending> queue;
    private final int batchSize;
    private final Duration flushTimeout;
    private final Duration retryInterval;
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis() * 1_000_000L);
    private final AtomicLong lastFlushed = new AtomicLong();
    private final Thread flusher;
    private volatile boolean running = true;

    public WriteQueue(Sink sink, int capacity, int batchSize, Duration flushTimeout, Duration retryInterval) {
        this.sink = sink;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batchSize = batchSize;
        this.flushTimeout = flushTimeout;
        this.retryInterval = retryInterval;
        this.flusher = new Thread(this::run, "raftlite-write-queue");
        this.flusher.setDaemon(true);
        this.flusher.start();
    }

    /** Queues a request, waiting while the queue is full. An empty list is a flush checkpoint for {@code wait}. */
    public Ticket enqueue(List<Statement> statements) throws InterruptedException {
        if (!running) {
            throw new IllegalStateException("write queue is closed");
        }
        Ticket ticket = new Ticket(sequence.incrementAndGet(), new CompletableFuture<>());
        queue.put(new Pending(List.copyOf(statements), ticket));
        return ticket;
    }

    /** The sequence number of the last request known to be applied through the log. */
    public long lastFlushedSequence() {
        return lastFlushed.get();
    }

    private void run() {
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first != null) {
                    flush(collect(first));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        failRemaining();
    }

    private List<Pending> collect(Pending first) throws InterruptedException {
        List<Pending> batch = new ArrayList<>();
        batch.add(first);
        int statements = first.statements().size();
        long deadline = System.nanoTime() + flushTimeout.toNanos();
        while (statements < batchSize) {
            long left = deadline - System.nanoTime();
            // wait in short steps so that close() flushes at once instead of after the timeout
            Pending next = left > 0 && running ? queue.poll(Math.min(left, 20_000_000L), TimeUnit.NANOSECONDS)
                    : queue.poll();
            if (next == null) {
                if (left > 0 && running) {
                    continue;
                }
                break;
            }
            batch.add(next);
            statements += next.statements().size();
        }
        return batch;
    }

    private void flush(List<Pending> batch) throws InterruptedException {
        List<Statement> all = new ArrayList<>();
        batch.forEach(p -> all.addAll(p.statements()));
        boolean failing = false;
        while (true) {
            try {
                if (!all.isEmpty()) {
                    sink.submit(all).get();
                }
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                if (!failing) {
                    LOG.warn("queued writes could not be applied, retrying every {}: {}", retryInterval,
                            e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
                    failing = true;
                }
                if (!running) {
                    batch.forEach(p -> p.ticket().flushed().completeExceptionally(e.getCause()));
                    return;
                }
                long jitter = ThreadLocalRandom.current().nextLong(retryInterval.toMillis() / 4 + 1);
                Thread.sleep(retryInterval.toMillis() + jitter);
            }
        }
        if (failing) {
            LOG.info("queued writes are being applied again");
        }
        for (Pending p : batch) {
            lastFlushed.accumulateAndGet(p.ticket().sequenceNumber(), Math::max);
            p.ticket().flushed().complete(null);
        }
    }

    private void failRemaining() {
        Pending p;
        while ((p = queue.poll()) != null) {
            p.ticket().flushed().completeExceptionally(new IllegalStateException("write queue closed"));
        }
    }

    /** Stops taking requests, flushes what is queued (one attempt each) and stops the flusher. */
    @Override
    public void close() {
        running = false;
        try {
            flusher.join(Math.max(1000, flushTimeout.toMillis() * 4));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flusher.interrupt();
    }
}

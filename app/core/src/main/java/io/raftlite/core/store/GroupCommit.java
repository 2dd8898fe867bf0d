package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandCodec;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.ResultCodec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Group commit: writes that arrive while {@code maxInFlight} entries are already on their way to the log
 * wait here, and the next free slot takes all of them (up to {@code maxBatchBytes}) as one log entry. A lone
 * write goes straight out as a single-command entry, so it waits for nothing. Concurrent writers then share
 * one append, one replication round and one fsync per node instead of queueing on Ratis' append lock one
 * entry at a time.
 *
 * <p>Every command in an entry is applied exactly as if it were alone (its own transaction flag, time and
 * seed) and gets its own result. The entry succeeds or fails as a whole: when it fails (not the leader,
 * timeout, no leader), each of its writes fails with that same error, so none is half-applied and no
 * caller is told "ok" for a write that was not committed.
 *
 * <p>Load commands ({@link Command.Kind#LOAD_DATABASE}, {@link Command.Kind#LOAD_SQL}) are never grouped: they
 * may be large and replace or rewrite the database. Thread-safe.
 */
final class GroupCommit {

    /** Sends one encoded entry; completes with what applying it returned. */
    interface Sender {
        CompletableFuture<byte[]> send(byte[] entry);
    }

    private record Pending(byte[] encoded, CompletableFuture<CommandResult> result) {
    }

    private final Sender sender;
    private final int maxInFlight;
    private final long maxBatchBytes;
    private final Executor executor;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private int inFlight;

    /**
     * @param executor runs the sending of an entry that was waiting, once a slot frees (the completing
     *                 thread may be one of Ratis' own, which must not be held up by the next append)
     */
    GroupCommit(Sender sender, int maxInFlight, long maxBatchBytes, Executor executor) {
        if (maxInFlight < 1 || maxBatchBytes < 1) {
            throw new IllegalArgumentException("maxInFlight and maxBatchBytes must be positive");
        }
        this.sender = sender;
        this.maxInFlight = maxInFlight;
        this.maxBatchBytes = maxBatchBytes;
        this.executor = executor;
    }

    CompletableFuture<CommandResult> submit(Command command) {
        byte[] encoded = CommandCodec.encode(command);
        if (command.kind() == Command.Kind.LOAD_DATABASE || command.kind() == Command.Kind.LOAD_SQL) {
            return sender.send(encoded).thenApply(ResultCodec::decode);
        }
        Pending pending = new Pending(encoded, new CompletableFuture<>());
        List<Pending> batch;
        synchronized (this) {
            waiting.add(pending);
            if (inFlight >= maxInFlight) {
                return pending.result();
            }
            batch = takeBatch();
        }
        send(batch);
        return pending.result();
    }

    /** Under the lock: the next entry's commands (at least one; the byte limit only splits), one slot taken. */
    private List<Pending> takeBatch() {
        List<Pending> batch = new ArrayList<>();
        long bytes = 0;
        while (!waiting.isEmpty()) {
            Pending next = waiting.peek();
            if (!batch.isEmpty() && bytes + next.encoded().length > maxBatchBytes) {
                break;
            }
            batch.add(waiting.poll());
            bytes += next.encoded().length;
        }
        inFlight++;
        return batch;
    }

    private void send(List<Pending> batch) {
        CompletableFuture<byte[]> reply;
        try {
            reply = sender.send(CommandCodec.encodeBatch(batch.stream().map(Pending::encoded).toList()));
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        reply.whenComplete((bytes, failure) -> {
            complete(batch, bytes, failure);
            List<Pending> next;
            synchronized (this) {
                inFlight--;
                if (waiting.isEmpty()) {
                    return;
                }
                next = takeBatch();
            }
            try {
                executor.execute(() -> send(next));
            } catch (RejectedExecutionException e) { // shutting down: send it here, the sender fails it
                send(next);
            }
        });
    }

    private static void complete(List<Pending> batch, byte[] bytes, Throwable failure) {
        if (failure != null) {
            batch.forEach(p -> p.result().completeExceptionally(failure));
            return;
        }
        try {
            List<CommandResult> results = batch.size() == 1
                    ? List.of(ResultCodec.decode(bytes)) : ResultCodec.decodeBatch(bytes);
            if (results.size() != batch.size()) {
                throw new IllegalStateException(results.size() + " results for an entry of " + batch.size() + " commands");
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(results.get(i));
            }
        } catch (RuntimeException e) {
            batch.forEach(p -> p.result().completeExceptionally(e));
        }
    }

    /** The number of entries on their way now (for tests). */
    synchronized int inFlight() {
        return inFlight;
    }
}

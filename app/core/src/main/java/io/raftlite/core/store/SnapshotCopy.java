package io.raftlite.core.store;

import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;

import java.io.File;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * One snapshot being written: the database pinned at {@code termIndex} on the apply thread, copied to its
 * file ({@link SnapshotFiles#write}: temporary file, fsync, rename, MD5) by a thread of its own, so applies
 * go on meanwhile. The pin is released before the copy counts as done, whether it succeeded or not.
 */
final class SnapshotCopy {

    private final File target;
    private final TermIndex termIndex;
    private final StoreDatabase.Pinned pinned;
    private final Consumer<SnapshotCopy> onWritten;
    private final CompletableFuture<SingleFileSnapshotInfo> done = new CompletableFuture<>();
    private volatile long tookNanos;
    private volatile boolean inBackground;

    /** {@code onWritten} runs in the copying thread once the files are complete and the copy counts as done. */
    SnapshotCopy(File target, TermIndex termIndex, StoreDatabase.Pinned pinned, Consumer<SnapshotCopy> onWritten) {
        this.target = target;
        this.termIndex = termIndex;
        this.pinned = pinned;
        this.onWritten = onWritten;
    }

    /** Copies on a new daemon thread; returns at once. */
    SnapshotCopy inBackground() {
        inBackground = true;
        Thread t = new Thread(this::run, "snapshot-copy-" + termIndex.getIndex());
        t.setDaemon(true);
        t.start();
        return this;
    }

    /** Copies in the calling thread. */
    void run() {
        long start = System.nanoTime();
        SingleFileSnapshotInfo written;
        try {
            written = SnapshotFiles.write(target, termIndex, pinned::writeTo);
        } catch (IOException | RuntimeException | Error e) {
            pinned.close();
            done.completeExceptionally(e);
            return;
        }
        pinned.close();
        tookNanos = System.nanoTime() - start;
        done.complete(written);
        onWritten.accept(this); // after done: it may ask Ratis' updater to collect this copy at once
    }

    boolean background() {
        return inBackground;
    }

    TermIndex termIndex() {
        return termIndex;
    }

    File target() {
        return target;
    }

    boolean isDone() {
        return done.isDone();
    }

    long tookNanos() {
        return tookNanos;
    }

    /** Waits up to {@code millis} for the copy to end, well or not; whether it ended. */
    boolean awaitEnd(long millis) throws InterruptedException {
        try {
            done.get(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // ended, and failed: failure() says why
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
        return true;
    }

    /** Why the copy failed, or null (not failed, or not done yet). */
    Throwable failure() {
        return done.isCompletedExceptionally() ? done.handle((ok, e) -> e).join() : null;
    }

    /** Waits for the copy (uninterruptibly: it ends by itself); the snapshot, or why there is none. */
    SingleFileSnapshotInfo await() throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return done.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IOException("snapshot at " + termIndex + " failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

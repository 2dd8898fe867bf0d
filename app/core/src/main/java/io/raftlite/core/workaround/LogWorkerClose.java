package io.raftlite.core.workaround;

import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.raftlog.RaftLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * WORKAROUND for Ratis 3.3.0's {@code SegmentedRaftLogWorker.close} (no upstream issue found). Delete when
 * {@code LogWorkerCloseTest.stockCloseWaitsForTheWorkersPoll} fails.
 *
 * <p>{@code close} sets {@code running = false} and waits (up to 3 s) for the worker thread, which reads the flag
 * only at the top of its loop, after its {@code queue.poll(ONE_SECOND)} returns. On an idle log that is when the
 * second runs out, so closing a server waits up to a second for nothing: every stop of a node (0.98-1.01 s of
 * its 1 s stop, measured), and every restart of a server while a cluster forms.
 *
 * <p>{@link #close} closes the server while a helper thread watches each log worker's {@code running} flag; as soon
 * as one reads false it puts a task that does nothing into that worker's queue. The worker's poll returns it, the
 * worker runs it (nothing), reads the flag and exits, exactly as it would have at the end of the second: a task it
 * was executing is finished first, and the tasks still queued are dropped, as stock Ratis drops them. Nothing is
 * interrupted, so no write is cut off mid-entry, and the task goes in only after {@code running} is false, so the
 * worker of a running log never sees it. The no-op is Ratis' own purge task with nothing to purge (the worker's
 * task classes are package-private), made by reflection; when reflection fails (another Ratis), the server is
 * closed the stock way.
 */
public final class LogWorkerClose {

    private static final Logger LOG = LoggerFactory.getLogger(LogWorkerClose.class);
    private static final String PKG = "org.apache.ratis.server.raftlog.segmented.";
    /** The longest the helper watches: well past {@code SegmentedRaftLogWorker.close}'s own 3 s. */
    private static final long WATCH_NANOS = TimeUnit.SECONDS.toNanos(30);

    private LogWorkerClose() {
    }

    /** Closes {@code server} without waiting out its log workers' poll. */
    public static void close(RaftServer server) throws IOException {
        close(server, workers(server));
    }

    /** The log workers of {@code server}'s divisions that this class can wake. */
    static List<Worker> workers(RaftServer server) {
        List<Worker> workers = new ArrayList<>();
        for (RaftGroupId group : server.getGroupIds()) {
            Worker w = Worker.of(server, group);
            if (w != null) {
                workers.add(w);
            }
        }
        return workers;
    }

    /** Closes {@code server}, waking {@code workers} (made by {@link #workers} before the close). */
    static void close(RaftServer server, List<Worker> workers) throws IOException {
        if (workers.isEmpty()) {
            server.close();
            return;
        }
        Thread helper = new Thread(() -> watch(workers), "log-worker-wakeup");
        helper.setDaemon(true);
        helper.start();
        try {
            server.close();
        } finally {
            helper.interrupt();
        }
    }

    private static void watch(List<Worker> workers) {
        long deadline = System.nanoTime() + WATCH_NANOS;
        List<Worker> left = new ArrayList<>(workers);
        while (!left.isEmpty() && System.nanoTime() - deadline < 0) {
            left.removeIf(Worker::wakeIfClosing);
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One log worker, with the no-op task made before its close begins. */
    static final class Worker {
        private final Object worker;
        private final Field running;
        private final Object queue;
        private final Method offer;
        private final Object noOp;
        private final Method noOpFuture;

        private Worker(Object worker, Field running, Object queue, Method offer, Object noOp, Method noOpFuture) {
            this.worker = worker;
            this.running = running;
            this.queue = queue;
            this.offer = offer;
            this.noOp = noOp;
            this.noOpFuture = noOpFuture;
        }

        /** The worker of {@code group}'s log, or null (no such division, not a segmented log, another Ratis). */
        static Worker of(RaftServer server, RaftGroupId group) {
            try {
                RaftLog log = server.getDivision(group).getRaftLog();
                Class<?> logClass = Class.forName(PKG + "SegmentedRaftLog");
                if (!logClass.isInstance(log)) {
                    return null;
                }
                Object worker = accessible(logClass.getDeclaredField("fileLogWorker")).get(log);
                Class<?> workerClass = Class.forName(PKG + "SegmentedRaftLogWorker");
                Field running = accessible(workerClass.getDeclaredField("running"));
                Object queue = accessible(workerClass.getDeclaredField("queue")).get(worker);
                Method offer = accessible(queue.getClass().getMethod("offer", Object.class));
                Class<?> segments = Class.forName(PKG + "SegmentedRaftLogCache$TruncationSegments");
                Constructor<?> nothing = accessible(segments.getDeclaredConstructor(String.class,
                        Class.forName(PKG + "SegmentedRaftLogCache$SegmentFileInfo"), List.class));
                Class<?> purge = Class.forName(PKG + "SegmentedRaftLogWorker$PurgeLog");
                Constructor<?> make = accessible(purge.getDeclaredConstructor(workerClass, segments));
                Object noOp = make.newInstance(worker, nothing.newInstance("raftlite: wake the worker", null, List.of()));
                Method future = accessible(Class.forName(PKG + "SegmentedRaftLog$Task").getDeclaredMethod("getFuture"));
                return new Worker(worker, running, queue, offer, noOp, future);
            } catch (ReflectiveOperationException | IOException | RuntimeException | LinkageError e) {
                LOG.debug("closing {}'s log the stock way: {}", group, e.toString());
                return null;
            }
        }

        /** Offers the no-op once the worker's close has begun; whether this worker needs no more watching. */
        boolean wakeIfClosing() {
            try {
                if (running.getBoolean(worker)) {
                    return false;
                }
                offer.invoke(queue, noOp); // false when full: then the worker is busy, not waiting in its poll
                return true;
            } catch (ReflectiveOperationException e) {
                return true;
            }
        }

        /** Whether the worker ran the no-op (for the tests). */
        boolean ranTheNoOp() throws ReflectiveOperationException {
            return ((java.util.concurrent.CompletableFuture<?>) noOpFuture.invoke(noOp)).isDone();
        }
    }

    private static <T extends java.lang.reflect.AccessibleObject> T accessible(T member) {
        member.setAccessible(true);
        return member;
    }
}

package io.raftlite.core.workaround;

import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.server.RaftServer;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * WORKAROUND for Ratis 3.3.0's {@code SegmentedRaftLogWorker.close} (no upstream issue found). Delete when
 * {@code IdleLogWorkerCloseTest.stockCloseWaitsForTheIdleWorkersPoll} fails.
 *
 * <p>{@code close} sets {@code running = false} and waits (up to 3 s) for the worker thread, which reads the flag
 * only when its {@code queue.poll(ONE_SECOND)} returns. On an idle log that is when the second runs out, so closing
 * a server waits 0-1 s for nothing (0.22-0.49 s measured). raftlite restarts a server that runs an empty group when
 * the node forms a cluster alone or joins as a listener, once per node while a cluster forms through discovery
 * (issue 16's formation time).
 *
 * <p>{@link #close} closes such a server and, from a helper thread, interrupts each of its log workers as soon
 * as some thread runs {@code SegmentedRaftLogWorker.close}: the worker leaves its poll and exits as it would at the
 * timeout. A worker interrupted while its queue holds tasks drops them, so this is only for servers whose logs
 * are idle: one that runs an empty group has no entries to write.
 */
public final class IdleLogWorkerClose {

    /** The longest the helper looks for the workers: {@code SegmentedRaftLogWorker.close}'s own limit. */
    private static final long LOOK_NANOS = TimeUnit.SECONDS.toNanos(3);

    private IdleLogWorkerClose() {
    }

    /** Closes {@code server}, whose logs must be idle, without waiting out its log workers' poll. */
    public static void close(RaftServer server) throws IOException {
        Set<String> workers = new HashSet<>();
        for (RaftGroupId group : server.getGroupIds()) {
            workers.add(RaftGroupMemberId.valueOf(server.getId(), group) + "-SegmentedRaftLogWorker");
        }
        Thread helper = new Thread(() -> wake(workers), "log-worker-wakeup");
        helper.setDaemon(true);
        helper.start();
        try {
            server.close();
        } finally {
            helper.interrupt();
        }
    }

    private static void wake(Set<String> workers) {
        long deadline = System.nanoTime() + LOOK_NANOS;
        while (!workers.isEmpty() && System.nanoTime() - deadline < 0 && !Thread.currentThread().isInterrupted()) {
            Map<Thread, StackTraceElement[]> threads = Thread.getAllStackTraces();
            if (threads.values().stream().anyMatch(IdleLogWorkerClose::closingAWorker)) {
                for (Thread t : threads.keySet()) {
                    if (workers.remove(t.getName())) {
                        t.interrupt();
                    }
                }
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Whether this stack is inside {@code SegmentedRaftLogWorker.close}, i.e. past {@code running = false}. */
    static boolean closingAWorker(StackTraceElement[] stack) {
        return Arrays.stream(stack).anyMatch(e -> e.getClassName().endsWith(".SegmentedRaftLogWorker")
                && e.getMethodName().equals("close"));
    }
}

package io.raftlite.core.workaround;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing a server with an idle log: stock Ratis waits for the log worker's one-second poll to run out
 * (the canary); {@link IdleLogWorkerClose} wakes the worker instead.
 */
@Timeout(60)
class IdleLogWorkerCloseTest {

    private static final String WORKER_LOGGER = "org.apache.ratis.server.raftlog.segmented.SegmentedRaftLogWorker";

    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> workerLog = new ListAppender<>();
    private Level levelBefore;

    @BeforeEach
    void captureWorkerLog() {
        Logger logger = (Logger) LoggerFactory.getLogger(WORKER_LOGGER);
        levelBefore = logger.getLevel();
        logger.setLevel(Level.INFO);
        workerLog.start();
        logger.addAppender(workerLog);
    }

    @AfterEach
    void restoreWorkerLog() {
        Logger logger = (Logger) LoggerFactory.getLogger(WORKER_LOGGER);
        logger.detachAppender(workerLog);
        logger.setLevel(levelBefore);
    }

    /** A server started as raftlite starts a fresh node: its group has no members yet, its log no entry. */
    private RaftServer emptyServer(BareRatis ratis) throws Exception {
        RaftPeer peer = BareRatis.peer("e1", 61, RaftPeerRole.FOLLOWER);
        return ratis.start(peer, RaftGroup.valueOf(ratis.groupId)).getRaftServer();
    }

    /** Runs {@code close}; whether a thread ran the worker's close while the worker still waited in its poll. */
    private static boolean workerSeenWaitingInItsPoll(RaftServer server, Runnable close) throws Exception {
        String worker = server.getDivision(server.getGroupIds().iterator().next()).getMemberId()
                + "-SegmentedRaftLogWorker";
        CompletableFuture<Void> closing = CompletableFuture.runAsync(close);
        boolean seen = false;
        while (!closing.isDone()) {
            Map<Thread, StackTraceElement[]> threads = Thread.getAllStackTraces();
            boolean workerClosing = threads.values().stream().anyMatch(IdleLogWorkerClose::closingAWorker);
            boolean workerPolls = threads.keySet().stream()
                    .anyMatch(t -> t.getName().equals(worker) && t.getState() == Thread.State.TIMED_WAITING);
            seen |= workerClosing && workerPolls;
            Thread.onSpinWait();
        }
        closing.get();
        return seen;
    }

    private boolean workerLeftThroughAnInterrupt() {
        return workerLog.list.stream().anyMatch(e -> e.getFormattedMessage().contains("was interrupted, exiting"));
    }

    @Test
    void stockCloseWaitsForTheIdleWorkersPoll() throws Exception {
        try (BareRatis ratis = new BareRatis(dir)) {
            RaftServer server = emptyServer(ratis);
            assertTrue(workerSeenWaitingInItsPoll(server, () -> {
                try {
                    server.close();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }), "the worker's close waited while the worker sat in its poll");
            assertFalse(workerLeftThroughAnInterrupt(), "stock Ratis lets the poll run out");
        }
    }

    @Test
    void theWorkaroundWakesTheWorker() throws Exception {
        try (BareRatis ratis = new BareRatis(dir)) {
            RaftServer server = emptyServer(ratis);
            workerSeenWaitingInItsPoll(server, () -> {
                try {
                    IdleLogWorkerClose.close(server);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertTrue(workerLeftThroughAnInterrupt(), "the worker left its poll when woken");
            assertTrue(workerLog.list.stream().noneMatch(e -> e.getLevel() == Level.WARN),
                    "woken only after its close began: " + workerLog.list);
        }
    }
}

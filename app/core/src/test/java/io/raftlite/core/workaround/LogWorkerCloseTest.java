package io.raftlite.core.workaround;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing a server: stock Ratis waits for the log worker's one-second poll to run out (the canary);
 * {@link LogWorkerClose} wakes the worker with a task that does nothing, without an interrupt, and the log
 * keeps every entry written before the close. On bare servers at 127.0.23.171 (a lone voter) and .61.
 */
@Timeout(60)
class LogWorkerCloseTest {

    private static final String WORKER_LOGGER = "org.apache.ratis.server.raftlog.segmented.SegmentedRaftLogWorker";
    private static final int WRITES = 20;

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
    private static RaftServer emptyServer(BareRatis ratis) throws Exception {
        RaftPeer peer = BareRatis.peer("e1", 61, RaftPeerRole.FOLLOWER);
        return ratis.start(peer, RaftGroup.valueOf(ratis.groupId)).getRaftServer();
    }

    /** A lone voter that has committed {@link #WRITES} writes; returns the index of the last. */
    private static long write(RaftServer.Division voter) throws Exception {
        BareRatis.await("the lone voter elected", () -> voter.getInfo().isLeaderReady());
        long last = -1;
        for (int i = 1; i <= WRITES; i++) {
            RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(ClientId.randomId())
                    .setServerId(voter.getId()).setGroupId(voter.getGroup().getGroupId()).setCallId(i)
                    .setMessage(Message.valueOf("write " + i)).setType(RaftClientRequest.writeRequestType()).build();
            RaftClientReply reply = voter.getRaftServer().submitClientRequestAsync(request).get(30, TimeUnit.SECONDS);
            assertTrue(reply.isSuccess(), reply::toString);
            last = reply.getLogIndex();
        }
        long written = last;
        BareRatis.await("the last write flushed", () -> voter.getRaftLog().getFlushIndex() >= written);
        return last;
    }

    /** Runs {@code close}; whether a thread ran the worker's close while the worker still waited in its poll. */
    private static boolean workerSeenWaitingInItsPoll(RaftServer server, Runnable close) throws Exception {
        String worker = server.getDivision(server.getGroupIds().iterator().next()).getMemberId()
                + "-SegmentedRaftLogWorker";
        CompletableFuture<Void> closing = CompletableFuture.runAsync(close);
        boolean seen = false;
        while (!closing.isDone()) {
            Map<Thread, StackTraceElement[]> threads = Thread.getAllStackTraces();
            boolean workerClosing = threads.values().stream().anyMatch(LogWorkerCloseTest::closingAWorker);
            boolean workerPolls = threads.keySet().stream()
                    .anyMatch(t -> t.getName().equals(worker) && t.getState() == Thread.State.TIMED_WAITING);
            seen |= workerClosing && workerPolls;
            Thread.onSpinWait();
        }
        closing.get();
        return seen;
    }

    /** Whether this stack is inside {@code SegmentedRaftLogWorker.close}, i.e. past {@code running = false}. */
    private static boolean closingAWorker(StackTraceElement[] stack) {
        return Arrays.stream(stack).anyMatch(e -> e.getClassName().endsWith(".SegmentedRaftLogWorker")
                && e.getMethodName().equals("close"));
    }

    private static Runnable unchecked(IoAction action) {
        return () -> {
            try {
                action.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private void assertLeftQuietly() {
        assertFalse(workerLog.list.stream().anyMatch(e -> e.getFormattedMessage().contains("was interrupted")),
                "the worker left without an interrupt: " + workerLog.list);
        assertTrue(workerLog.list.stream().noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN)),
                "no warning: " + workerLog.list);
    }

    @Test
    void stockCloseWaitsForTheWorkersPoll() throws Exception {
        try (BareRatis ratis = new BareRatis(dir)) {
            RaftPeer peer = BareRatis.peer("w1", 171, RaftPeerRole.FOLLOWER);
            RaftServer.Division voter = ratis.start(peer, RaftGroup.valueOf(ratis.groupId, peer));
            write(voter);
            RaftServer server = voter.getRaftServer();
            assertTrue(workerSeenWaitingInItsPoll(server, unchecked(server::close)),
                    "the worker's close waited while the worker sat in its poll");
            assertLeftQuietly();
        }
    }

    @Test
    void wakesTheWorkerOfALogWithEntriesAndKeepsThem() throws Exception {
        RaftPeer peer = BareRatis.peer("w1", 171, RaftPeerRole.FOLLOWER);
        RaftGroup group;
        long last;
        try (BareRatis ratis = new BareRatis(dir)) {
            group = RaftGroup.valueOf(ratis.groupId, peer);
            RaftServer.Division voter = ratis.start(peer, group);
            last = write(voter);
            RaftServer server = voter.getRaftServer();
            List<LogWorkerClose.Worker> workers = LogWorkerClose.workers(server);
            assertEquals(1, workers.size(), "the lone group's worker found");
            LogWorkerClose.close(server, workers);
            assertTrue(workers.get(0).ranTheNoOp(), "the worker left its poll through the no-op");
            assertLeftQuietly();
        }
        try (BareRatis ratis = new BareRatis(dir)) {
            RaftServer.Division again = ratis.start(peer, group, BaseStateMachine::new, p -> { },
                    RaftStorage.StartupOption.RECOVER);
            assertTrue(again.getRaftLog().getLastEntryTermIndex().getIndex() >= last,
                    "every write is in the log after the close: " + again.getRaftLog().getLastEntryTermIndex());
            assertEquals("write " + WRITES, again.getRaftLog().get(last).getStateMachineLogEntry()
                    .getLogData().toStringUtf8());
        }
    }

    @Test
    void wakesTheWorkerOfAnEmptyServer() throws Exception {
        try (BareRatis ratis = new BareRatis(dir)) {
            RaftServer server = emptyServer(ratis);
            List<LogWorkerClose.Worker> workers = LogWorkerClose.workers(server);
            assertEquals(1, workers.size());
            LogWorkerClose.close(server, workers);
            assertTrue(workers.get(0).ranTheNoOp(), "the worker left its poll through the no-op");
            assertLeftQuietly();
        }
    }
}

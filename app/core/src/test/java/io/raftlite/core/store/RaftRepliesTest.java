package io.raftlite.core.store;

import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.RaftException;
import org.apache.ratis.protocol.exceptions.ReadException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.raftlog.RaftLogIOException;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failures seen during elections and peer restarts map to a {@link StoreException}, never to a bare exception (500). */
class RaftRepliesTest {

    private static final RaftGroupMemberId MEMBER =
            RaftGroupMemberId.valueOf(RaftPeerId.valueOf("n1"), RaftGroupId.randomId());

    @Test
    void grpcUnavailableDuringAnElectionIsLeaderNotFound() {
        // what a linearizable read on a follower met 40-90 ms after the leader was killed
        Throwable t = new CompletionException(Status.UNAVAILABLE.withDescription("io exception").asRuntimeException());
        assertEquals(StoreException.Reason.NO_LEADER, reason(t));
    }

    @Test
    void grpcInsideARatisExceptionIsLeaderNotFound() {
        Throwable t = new ExecutionException(new RaftException("read index failed",
                Status.CANCELLED.asRuntimeException()));
        assertEquals(StoreException.Reason.NO_LEADER, reason(t));
        assertEquals(StoreException.Reason.NO_LEADER, reason(new IOException(Status.UNAVAILABLE.asException())));
    }

    @Test
    void classifyFindsAWrappedStoreFailureAndLeavesOurBugsAlone() {
        StoreException noLeader = new StoreException(StoreException.Reason.NO_LEADER, "leader not found", null);
        assertSame(noLeader, StoreException.classify(new CompletionException(new ExecutionException(noLeader))));
        assertEquals(StoreException.Reason.NO_LEADER, assertInstanceOf(StoreException.class, StoreException.classify(
                new IllegalStateException("wrapped", Status.UNAVAILABLE.asRuntimeException()))).reason());
        IllegalArgumentException bug = new IllegalArgumentException("a bug of ours");
        assertSame(bug, StoreException.classify(bug));
    }

    @Test
    void grpcDeadlineIsATimeout() {
        assertEquals(StoreException.Reason.TIMEOUT, reason(Status.DEADLINE_EXCEEDED.asRuntimeException()));
    }

    @Test
    void anEntryLargerThanTheLogAcceptsIsTooLarge() {
        Throwable t = new StateMachineException(MEMBER,
                new RaftLogIOException("Log entry size 4194358 exceeds the max buffer limit of 4194304"));
        StoreException e = assertInstanceOf(StoreException.class, RaftReplies.toFailure(t));
        assertEquals(StoreException.Reason.TOO_LARGE, e.reason());
    }

    @Test
    void otherRatisAndIoFailuresAreUnavailable() {
        assertEquals(StoreException.Reason.UNAVAILABLE, reason(new RaftException("group removed")));
        assertEquals(StoreException.Reason.UNAVAILABLE, reason(new IOException("connection reset")));
        assertEquals(StoreException.Reason.UNAVAILABLE, reason(new AlreadyClosedException("closed")));
        assertEquals(StoreException.Reason.UNAVAILABLE,
                reason(new StateMachineException(MEMBER, new IOException("disk"))));
    }

    /** RATIS-2511: the text is how Ratis 3.3.0's {@code RaftServerImpl.getReadException} words it. */
    @Test
    void aReadOnAFollowerInstallingASnapshotIsRetriedThenUnavailable() {
        for (String state : new String[] {"in progress", "started"}) {
            Throwable t = new CompletionException(new ReadException(MEMBER
                    + ": Failed to get readIndex as snapshot (1234) installation is " + state));
            assertTrue(RaftReplies.isTransient(t), "retried within the apply timeout: " + state);
            StoreException e = assertInstanceOf(StoreException.class, RaftReplies.toFailure(t));
            assertEquals(StoreException.Reason.UNAVAILABLE, e.reason(), "a 503 once the deadline passed");
            assertTrue(e.getMessage().contains("installing the leader's snapshot"), e.getMessage());
        }
        assertFalse(RaftReplies.isTransient(new ReadException("read failed")), "other read failures are not retried");
        assertEquals(StoreException.Reason.NO_LEADER, reason(new ReadException("read failed")));
    }

    @Test
    void aBugOfOursStaysABug() {
        IllegalArgumentException bug = new IllegalArgumentException("bug");
        assertSame(bug, RaftReplies.toFailure(new CompletionException(bug)));
        assertSame(bug, RaftReplies.toFailure(new StateMachineException(MEMBER, bug)));
    }

    private static StoreException.Reason reason(Throwable t) {
        return assertInstanceOf(StoreException.class, RaftReplies.toFailure(t)).reason();
    }

    /** Ratis' ReadIndex to a leader that just left the configuration: its missing connection is an election. */
    @Test
    void aReadIndexToADepartedLeaderIsLeaderNotFound() {
        org.apache.ratis.util.PeerProxyMap<java.io.Closeable> proxies =
                new org.apache.ratis.util.PeerProxyMap<>("n1", peer -> () -> { });
        NullPointerException departed = org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                () -> proxies.getProxy(org.apache.ratis.protocol.RaftPeerId.valueOf("n3")));
        RuntimeException mapped = RaftReplies.toFailure(new java.util.concurrent.CompletionException(departed));
        org.junit.jupiter.api.Assertions.assertTrue(mapped instanceof StoreException s
                && s.reason() == StoreException.Reason.NO_LEADER, String.valueOf(mapped));
        NullPointerException ours = new NullPointerException("a bug of ours");
        org.junit.jupiter.api.Assertions.assertSame(ours, RaftReplies.toFailure(ours), "our own bugs stay 500");
    }
}

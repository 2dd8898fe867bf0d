package io.raftlite.core.store;

import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftException;
import org.apache.ratis.protocol.exceptions.ReadException;
import org.apache.ratis.protocol.exceptions.ReadIndexException;
import org.apache.ratis.protocol.exceptions.ServerNotReadyException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.server.raftlog.RaftLogIOException;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusException;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;

import java.io.IOException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Maps Ratis replies and failures to the store's results and {@link StoreException} reasons. Every failure that
 * comes from Ratis or gRPC (a leader lost during a request, a peer that went away, a closed channel) becomes a
 * {@link StoreException}, so the HTTP layer answers 503 or rqlite's timeout shape and never 500; only a
 * runtime exception thrown by our own code (a bug) passes through unchanged.
 */
public final class RaftReplies {

    private RaftReplies() {
    }

    /** The reply's message bytes when it succeeded; otherwise throws the mapped failure. */
    static byte[] contentOrThrow(RaftClientReply reply) {
        if (reply.isSuccess()) {
            if (reply.getMessage().getContent().isEmpty()) {
                // the entry was applied on a node that had no client waiting (SqliteStateMachine keeps no
                // results there), which became the leader this retry reached
                throw new StoreException(StoreException.Reason.UNAVAILABLE, "the request was applied, but its"
                        + " results were lost in a change of leader; read the data to see its effect", null);
            }
            return reply.getMessage().getContent().toByteArray();
        }
        throw toFailure(reply.getException());
    }

    /** Nothing when the reply succeeded (replies without a message, e.g. setConfiguration); else throws. */
    public static Void successOrThrow(RaftClientReply reply) {
        if (reply.isSuccess()) {
            return null;
        }
        throw toFailure(reply.getException());
    }

    /**
     * True when the failure means "try again shortly": a leader that has not committed its first entry yet, or
     * this node installing the leader's snapshot.
     */
    public static boolean isTransient(Throwable t) {
        Throwable c = unwrap(t);
        return c instanceof LeaderNotReadyException || c instanceof LeaderSteppingDownException
                || c instanceof ServerNotReadyException || isInstallingSnapshot(c);
    }

    /**
     * RATIS-2511 (Ratis 3.3.0): a linearizable read on a follower that is installing a snapshot fails at once with
     * a {@link ReadException} "Failed to get readIndex as snapshot (N) installation is in progress" (or
     * "started"); Ratis has no subclass for it, so the text is the only mark.
     */
    static boolean isInstallingSnapshot(Throwable t) {
        Throwable c = unwrap(t);
        String message = c instanceof ReadException ? String.valueOf(c.getMessage()) : "";
        return message.contains("snapshot (") && message.contains(") installation is");
    }

    /** A {@link StoreException} for the failures the HTTP layer maps to a status; our own bugs as they are. */
    public static RuntimeException toFailure(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof StoreException s) {
            return s;
        } else if (t instanceof NotLeaderException nle) {
            RaftPeer suggested = nle.getSuggestedLeader();
            return suggested == null
                    ? new StoreException(StoreException.Reason.NO_LEADER, "leader not found", nle)
                    : new StoreException(StoreException.Reason.NOT_LEADER,
                    "not leader; leader is " + suggested.getId() + " at " + suggested.getAddress(), nle);
        } else if (t instanceof LeaderNotReadyException || t instanceof LeaderSteppingDownException
                || t instanceof ReadIndexException) {
            return new StoreException(StoreException.Reason.NO_LEADER, "leader not found: " + t.getMessage(), t);
        } else if (t instanceof TimeoutException || t instanceof TimeoutIOException
                || (t instanceof ReadException && hasCause(t, TimeoutIOException.class))) {
            return new StoreException(StoreException.Reason.TIMEOUT, "timed out: " + t.getMessage(), t);
        } else if (isInstallingSnapshot(t)) {
            return new StoreException(StoreException.Reason.UNAVAILABLE, "this node is installing the leader's "
                    + "snapshot; retry shortly or read from another node: " + t.getMessage(), t);
        } else if (t instanceof ReadException) {
            return new StoreException(StoreException.Reason.NO_LEADER, "read failed: " + t.getMessage(), t);
        } else if (t instanceof AlreadyClosedException || t instanceof ServerNotReadyException
                || t instanceof RejectedExecutionException) {
            return new StoreException(StoreException.Reason.UNAVAILABLE, "store unavailable: " + t.getMessage(), t);
        } else if (t instanceof StateMachineException sme) {
            return fromStateMachine(sme);
        }
        return transportOrBug(t);
    }

    /**
     * The leader refuses an entry larger than its append buffer ({@code raft.server.log.appender.buffer.byte-limit})
     * with a {@link RaftLogIOException} inside a {@link StateMachineException}: the request is too large, not the
     * server broken. A runtime exception our state machine threw (a bug) is returned as is.
     */
    private static RuntimeException fromStateMachine(StateMachineException sme) {
        if (sme.getCause() instanceof RaftLogIOException tooLarge && String.valueOf(tooLarge.getMessage())
                .contains("exceeds the max buffer limit")) {
            return new StoreException(StoreException.Reason.TOO_LARGE,
                    "request too large for one Raft log entry: " + tooLarge.getMessage(), sme);
        }
        if (sme.getCause() instanceof RuntimeException r && !(r instanceof StatusRuntimeException)) {
            return r;
        }
        return new StoreException(StoreException.Reason.UNAVAILABLE, "store unavailable: " + sme.getMessage(), sme);
    }

    /**
     * gRPC failures (a peer that died or restarted mid-request: UNAVAILABLE, CANCELLED, DEADLINE_EXCEEDED) and
     * any other Ratis or I/O exception are the cluster's transient state: NO_LEADER (503 {@code leader not
     * found}) or TIMEOUT. Anything else is a bug of ours and stays what it is.
     */
    private static RuntimeException transportOrBug(Throwable t) {
        Throwable grpc = grpcCause(t);
        if (grpc != null) {
            return Status.fromThrowable(grpc).getCode() == Status.Code.DEADLINE_EXCEEDED
                    ? new StoreException(StoreException.Reason.TIMEOUT, "timed out: " + grpc.getMessage(), t)
                    : new StoreException(StoreException.Reason.NO_LEADER, "leader not found: " + grpc.getMessage(), t);
        }
        if (t instanceof RaftException || t instanceof IOException) {
            return new StoreException(StoreException.Reason.UNAVAILABLE, "store unavailable: " + t.getMessage(), t);
        }
        if (isDepartedLeader(t)) {
            return new StoreException(StoreException.Reason.NO_LEADER, "leader not found: " + t.getMessage(), t);
        }
        if (t instanceof RuntimeException r) {
            return r;
        }
        return new IllegalStateException(String.valueOf(t), t);
    }

    /**
     * A follower's ReadIndex sent to a leader that has just left the configuration: Ratis looks up the leader's
     * connection, which is gone ({@code PeerProxyMap.getProxy} throws NullPointerException "Server n3 not
     * found: peers=[…]"), while the follower still names it as leader. The fault suite saw it when a leader was
     * removed; it is an election, not a bug of ours: 503 {@code leader not found}.
     */
    static boolean isDepartedLeader(Throwable t) {
        if (!(t instanceof NullPointerException) || t.getMessage() == null || !t.getMessage().contains(" not found: peers=")) {
            return false;
        }
        StackTraceElement[] stack = t.getStackTrace();
        return stack.length > 1 && java.util.Arrays.stream(stack).limit(3)
                .anyMatch(f -> f.getClassName().equals("org.apache.ratis.util.PeerProxyMap"));
    }

    private static Throwable grpcCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof StatusRuntimeException || c instanceof StatusException) {
                return c;
            }
        }
        return null;
    }

    /** {@code t} without the {@link CompletionException} and {@link ExecutionException} layers around its cause. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}

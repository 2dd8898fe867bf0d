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

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/** Maps Ratis replies and failures to the store's results and {@link StoreException} reasons. */
final class RaftReplies {

    private RaftReplies() {
    }

    /** The reply's message bytes when it succeeded; otherwise throws the mapped failure. */
    static byte[] contentOrThrow(RaftClientReply reply) {
        if (reply.isSuccess()) {
            return reply.getMessage().getContent().toByteArray();
        }
        throw toFailure(reply.getException());
    }

    /** Nothing when the reply succeeded (replies without a message, e.g. setConfiguration); else throws. */
    static Void successOrThrow(RaftClientReply reply) {
        if (reply.isSuccess()) {
            return null;
        }
        throw toFailure(reply.getException());
    }

    /** True when the failure means "try again shortly": a leader that has not committed its first entry yet. */
    static boolean isTransient(Throwable t) {
        Throwable c = unwrap(t);
        return c instanceof LeaderNotReadyException || c instanceof LeaderSteppingDownException
                || c instanceof ServerNotReadyException;
    }

    /** A {@link StoreException} for the failures the HTTP layer maps to a status; anything else as is. */
    static RuntimeException toFailure(Throwable failure) {
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
        } else if (t instanceof ReadException) {
            return new StoreException(StoreException.Reason.NO_LEADER, "read failed: " + t.getMessage(), t);
        } else if (t instanceof AlreadyClosedException || t instanceof ServerNotReadyException
                || t instanceof RejectedExecutionException) {
            return new StoreException(StoreException.Reason.UNAVAILABLE, "store unavailable: " + t.getMessage(), t);
        } else if (t instanceof StateMachineException && isEntryTooLarge(t)) {
            return new StoreException(StoreException.Reason.TOO_LARGE, "request too large for one log entry: "
                    + t.getCause().getMessage(), t);
        } else if (t instanceof StateMachineException sme && sme.getCause() instanceof RuntimeException r) {
            return r;
        } else if (t instanceof RuntimeException r) {
            return r;
        } else if (t instanceof RaftException) {
            return new IllegalStateException(t.getMessage(), t);
        }
        return new IllegalStateException(String.valueOf(t), t);
    }

    /**
     * Ratis' leader refused the entry for its size ({@code RaftLogBase}): this node's limit is below the command,
     * e.g. a forwarded write from a node configured with a larger one. Recognised by its message, Ratis' only signal.
     */
    private static boolean isEntryTooLarge(Throwable t) {
        Throwable c = t.getCause();
        return c instanceof RaftLogIOException && c.getMessage() != null
                && c.getMessage().contains("exceeds the max buffer limit");
    }

    private static Throwable unwrap(Throwable t) {
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

package io.raftlite.core.store;

/** Why the store could not serve a request; the HTTP layer maps {@link Reason} to a status code. */
public final class StoreException extends RuntimeException {

    public enum Reason {
        /** No leader is known (rqlite: 503 {@code leader not found}). */
        NO_LEADER,
        /** This node is not the leader and cannot serve it locally. */
        NOT_LEADER,
        /** The request did not complete in time. */
        TIMEOUT,
        /** The store is shutting down or not started. */
        UNAVAILABLE,
        /** The request names a member that does not exist (e.g. removing an unknown node id). */
        NOT_FOUND,
        /** The request cannot be carried out as asked (e.g. removing the only voter). */
        INVALID,
        /** The write does not fit in one Raft log entry ({@code EntryLimits}; rqlite has no such limit): 413. */
        TOO_LARGE
    }

    private final Reason reason;

    public StoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /**
     * How the store reads any failure that reached a caller: the {@code StoreException} inside completion
     * wrappers; a Ratis, gRPC or I/O failure (a leader lost, a peer gone, a channel closed) as the
     * {@code StoreException} it stands for; anything else - a bug of ours - unchanged.
     */
    public static RuntimeException classify(Throwable failure) {
        return RaftReplies.toFailure(failure);
    }
}

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
        UNAVAILABLE
    }

    private final Reason reason;

    public StoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

package io.raftlite.core.store;

/**
 * What the store reports as it works, for metrics; every method has a no-op default. Called on Ratis' and
 * the request path's threads, so an implementation must be thread-safe, cheap, and must neither block nor
 * throw.
 */
public interface StoreObserver {

    /** Observes nothing. */
    StoreObserver NONE = new StoreObserver() { };

    /**
     * An entry submitted on the leader (one write, or a group of them) was committed and applied, {@code nanos}
     * after it was submitted.
     */
    default void committed(long nanos) {
    }

    /** One log entry was applied to SQLite in {@code nanos} (every node). */
    default void applied(long nanos) {
    }

    /** A snapshot was written in {@code nanos}. */
    default void snapshotTaken(long nanos) {
    }

    /** This node learnt of a new leader (itself included). */
    default void leaderChanged() {
    }
}

package io.raftlite.server.http;

import java.time.Duration;

/** What {@code POST /snapshot} and {@code POST /reap} need from the store. */
public interface SnapshotStore {

    /**
     * Takes a snapshot of this node now; returns its index, or -1 when nothing was applied since the last one.
     *
     * @throws io.raftlite.core.store.StoreException UNAVAILABLE or TIMEOUT
     */
    long snapshot(Duration timeout) throws InterruptedException;

    /** Deletes this node's snapshots older than the newest; returns how many. */
    int reapSnapshots();
}

package io.raftlite.core.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Call ids of this node's own requests that have had their reply, handed to the next request so the leader drops
 * their entries from Ratis' retry cache. Ratis' own clients do the same; raftlite's writes go straight to the
 * local division without a client, and without this every reply (up to 8 MiB of results) stayed in the retry
 * cache for {@code raft.server.retrycache.expirytime} (60 s): a steady stream of large results ran the shipped
 * 64 MiB heap out. A retried attempt gets a new call id (see {@link RaftStore}), so no retry relies on these
 * entries. Thread-safe.
 */
final class RepliedCallIds {

    /** At most this many ids ride on one request; the rest go with the next ones. */
    static final int MAX_PER_REQUEST = 4096;

    private final ConcurrentLinkedQueue<Long> replied = new ConcurrentLinkedQueue<>();

    void add(long callId) {
        replied.add(callId);
    }

    /** The replied ids not yet handed on (at most {@link #MAX_PER_REQUEST}), removed from this set. */
    List<Long> drain() {
        List<Long> out = new ArrayList<>();
        for (Long id; out.size() < MAX_PER_REQUEST && (id = replied.poll()) != null; ) {
            out.add(id);
        }
        return out;
    }
}

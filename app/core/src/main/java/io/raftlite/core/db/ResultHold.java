package io.raftlite.core.db;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the node-wide result bytes of the reads a thread runs until the thread has rendered them: opened
 * by the HTTP layer around "read, then render the response", closed when the response bytes exist. Reads
 * that run on this thread while it is open hand their bytes to it instead of giving them back when they
 * return, so rendering, which takes several times the results' size, stays within the node-wide budget.
 * Reads that run on another thread (a linearizable read applied by Raft) give their bytes back at once.
 */
public final class ResultHold implements AutoCloseable {

    private static final ThreadLocal<ResultHold> CURRENT = new ThreadLocal<>();

    private final ResultHold previous;
    private final List<ResultBudget.InFlight> pools = new ArrayList<>();
    private final List<Long> amounts = new ArrayList<>();

    private ResultHold(ResultHold previous) {
        this.previous = previous;
    }

    /** Opens a hold on the calling thread; close it on the same thread (try-with-resources). */
    public static ResultHold open() {
        ResultHold hold = new ResultHold(CURRENT.get());
        CURRENT.set(hold);
        return hold;
    }

    /** Takes over {@code bytes} of {@code pool} when a hold is open on this thread; false when none is. */
    static boolean adopt(ResultBudget.InFlight pool, long bytes) {
        ResultHold hold = CURRENT.get();
        if (hold == null) {
            return false;
        }
        hold.pools.add(pool);
        hold.amounts.add(bytes);
        return true;
    }

    @Override
    public void close() {
        for (int i = 0; i < pools.size(); i++) {
            pools.get(i).give(amounts.get(i));
        }
        pools.clear();
        amounts.clear();
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }
}

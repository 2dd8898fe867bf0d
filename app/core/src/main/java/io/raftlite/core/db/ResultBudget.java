package io.raftlite.core.db;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the result bytes one request holds, so that memory never depends on the request. The count is
 * a deterministic function of the values (their approximate heap size: {@link #cost}), so the same budget
 * gives the same per-statement error on every replica when results are produced during apply.
 *
 * <p>A read's budget also draws on a node-wide {@link InFlight} pool shared by every concurrent read; when
 * that is used up the read fails as busy ({@link ReadBusyException}, not deterministic, never used on the
 * apply path). {@link #close()} gives everything back. One thread at a time.
 */
final class ResultBudget implements AutoCloseable {

    /** The per-statement budget of the apply path: a constant, so every replica gives the same results. */
    static final long APPLY_MAX_RESULT_BYTES = 4L << 20;

    private static final long ROW_OVERHEAD = 40;
    private static final long NUMBER = 24;
    private static final long REFERENCE = 8;

    private final long limit;
    private final InFlight node;
    private long used;

    ResultBudget(long limit, InFlight node) {
        this.limit = limit;
        this.node = node;
    }

    /** A budget of {@code limit} bytes with no node-wide pool (deterministic). */
    static ResultBudget of(long limit) {
        return new ResultBudget(limit, null);
    }

    /** Approximate heap bytes of one result value as the runner holds it. */
    static long cost(Object v) {
        if (v == null) {
            return REFERENCE;
        }
        if (v instanceof String s) {
            return 48 + 2L * s.length();
        }
        if (v instanceof byte[] b) {
            return 16 + b.length;
        }
        return NUMBER;
    }

    static long rowCost(int columns) {
        return ROW_OVERHEAD + REFERENCE * columns;
    }

    long used() {
        return used;
    }

    long limit() {
        return limit;
    }

    /**
     * Takes {@code bytes}; false (and nothing taken) when this request's budget would be exceeded.
     *
     * @throws ReadBusyException when the node-wide pool cannot give them
     */
    boolean tryCharge(long bytes) {
        if (used + bytes > limit) {
            return false;
        }
        if (node != null && !node.tryTake(bytes)) {
            throw new ReadBusyException("server busy: too many large query results in flight, retry later");
        }
        used += bytes;
        return true;
    }

    /** Gives back what was taken since {@link #used()} returned {@code mark} (a statement's rows, dropped). */
    void rollbackTo(long mark) {
        if (node != null) {
            node.give(used - mark);
        }
        used = mark;
    }

    String tooLargeMessage() {
        return "query result too large: more than " + limit + " bytes";
    }

    @Override
    public void close() {
        rollbackTo(0);
    }

    /** Result bytes held by every read of one node. */
    static final class InFlight {
        private final long capacity;
        private final AtomicLong taken = new AtomicLong();

        InFlight(long capacity) {
            this.capacity = capacity;
        }

        boolean tryTake(long bytes) {
            while (true) {
                long now = taken.get();
                if (now + bytes > capacity) {
                    return false;
                }
                if (taken.compareAndSet(now, now + bytes)) {
                    return true;
                }
            }
        }

        void give(long bytes) {
            taken.addAndGet(-bytes);
        }

        long taken() {
            return taken.get();
        }
    }
}

package io.raftlite.core.db;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the result bytes one request holds, so that memory never depends on the request. The count is
 * a deterministic function of the values ({@link #cost}: an estimate of the heap a value takes while it is
 * held and then rendered as JSON), so the same budget gives the same per-statement error on every replica
 * when results are produced during apply.
 *
 * <p>A read's budget also draws on a node-wide {@link InFlight} pool shared by every concurrent read; when
 * that is used up the read fails as busy ({@link ReadBusyException}, not deterministic, never used on the
 * apply path). {@link #close()} gives everything back. One thread at a time.
 */
final class ResultBudget implements AutoCloseable {

    /** The per-statement budget of the apply path: a constant, so every replica gives the same results. */
    static final long APPLY_MAX_RESULT_BYTES = 8L << 20;

    /**
     * One query result beyond its rows and names: the result object, its three lists and the JSON object it
     * renders as ({@code {"columns":[],"types":[],"values":[]}} and its copies). Without it a request of 60,000
     * {@code SELECT 1} statements stayed within the budget and took the whole shipped heap.
     */
    static final long RESULT_OVERHEAD = 256;
    private static final long ROW_OVERHEAD = 48;
    private static final long NUMBER = 64;
    private static final long REFERENCE = 16;
    /**
     * Heap bytes per blob byte: the byte itself, then base64 (4/3) in a string, in the response builder (which
     * doubles as it grows), the builder's string and the response bytes: 1 + 4 x 4/3 + margin.
     */
    static final long BLOB_FACTOR = 8;
    /** Heap bytes per text character: held as a string, then builder, string and bytes (1-2 bytes each). */
    static final long TEXT_FACTOR = 6;

    private final long limit;
    private final InFlight node;
    private long used;
    private String tooLarge;

    ResultBudget(long limit, InFlight node) {
        this.limit = limit;
        this.node = node;
    }

    /** A budget of {@code limit} bytes with no node-wide pool (deterministic). */
    static ResultBudget of(long limit) {
        return new ResultBudget(limit, null);
    }

    /** Estimated heap bytes of one result value while it is held and rendered. */
    static long cost(Object v) {
        if (v == null) {
            return REFERENCE;
        }
        if (v instanceof String s) {
            return 48 + TEXT_FACTOR * s.length();
        }
        if (v instanceof byte[] b) {
            return 16 + BLOB_FACTOR * b.length;
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

    /** One string for every statement past the budget (a request of many such statements holds it once). */
    String tooLargeMessage() {
        if (tooLarge == null) {
            tooLarge = "query result too large: more than " + limit + " bytes";
        }
        return tooLarge;
    }

    /** Gives back what this request took, or hands it to the thread's {@link ResultHold} to give back after rendering. */
    @Override
    public void close() {
        if (node != null && used > 0 && ResultHold.adopt(node, used)) {
            used = 0;
            return;
        }
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

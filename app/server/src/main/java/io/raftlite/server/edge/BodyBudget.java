package io.raftlite.server.edge;

import java.util.concurrent.atomic.AtomicLong;

/** Request-body bytes in flight on all connections together, against a fixed limit. Thread-safe. */
public final class BodyBudget {

    private final long limit;
    private final AtomicLong used = new AtomicLong();
    /** Large bodies draw their statements' share one at a time ({@link RequestCharge#parse}). */
    private final java.util.concurrent.locks.ReentrantLock parsing = new java.util.concurrent.locks.ReentrantLock(true);

    public BodyBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("body budget must be positive, got " + limit);
        }
        this.limit = limit;
    }

    /** Takes {@code bytes} from the budget when they fit; false (and nothing taken) when they do not. */
    public boolean tryReserve(long bytes) {
        while (true) {
            long now = used.get();
            if (bytes > limit - now) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Gives back what {@link #tryReserve} took. */
    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    java.util.concurrent.locks.ReentrantLock parsing() {
        return parsing;
    }

    public long limit() {
        return limit;
    }

    public long inUse() {
        return used.get();
    }
}

package io.raftlite.server.edge;

import io.raftlite.core.api.BadRequestException;
import io.raftlite.core.api.ParseMeter;

import java.util.concurrent.CompletionStage;

/**
 * What one request's parsed statements and parameters hold, drawn from the node's {@link BodyBudget} next to
 * the body bytes the edge already took for it, and given back when the answer is rendered ({@link #close}).
 * A request that alone needs more than the whole budget is a 413 (it can never fit); one that finds the
 * budget in use by others is a 503 the client retries, as a body that does not fit is. One thread at a time.
 */
public final class RequestCharge implements ParseMeter, AutoCloseable {

    /** Bodies this large parse one at a time; smaller ones draw too little to starve each other. */
    static final long SERIAL_BODY_BYTES = 64L << 10;
    static final java.time.Duration SERIAL_WAIT = java.time.Duration.ofSeconds(2);

    private final BodyBudget budget;
    private final long bodyBytes;
    private long taken;

    public RequestCharge(BodyBudget budget, long bodyBytes) {
        this.budget = budget;
        this.bodyBytes = bodyBytes;
    }

    @Override
    public void take(long bytes) throws BadRequestException {
        if (bodyBytes + taken + bytes > budget.limit()) {
            throw new BadRequestException(413, "request too large: its statements and parameters need more than"
                    + " the " + budget.limit() + "-byte body budget (-http-body-budget; "
                    + ParseMeter.STATEMENT_BYTES + " bytes per statement, " + ParseMeter.PARAMETER_BYTES
                    + " per parameter); split it");
        }
        if (!budget.tryReserve(bytes)) {
            throw new BadRequestException(503, "server busy: too many statements in flight; retry shortly");
        }
        taken += bytes;
    }

    /**
     * Keeps what this request holds, and as much again as its body for the statements' text, until {@code done}
     * (a queued write, held after its answer until the queue flushes it). False, keeping nothing beyond the
     * answer, when the budget cannot hold the body's share now.
     */
    public boolean holdUntil(CompletionStage<?> done) {
        if (!budget.tryReserve(bodyBytes)) {
            return false;
        }
        long held = taken + bodyBytes;
        taken = 0;
        done.whenComplete((ignored, failure) -> budget.release(held));
        return true;
    }

    /** A parse that draws on this charge. */
    @FunctionalInterface
    public interface Parse<T> {
        T run() throws BadRequestException;
    }

    /**
     * Runs {@code parse}; a body of {@link #SERIAL_BODY_BYTES} or more waits (at most {@link #SERIAL_WAIT}) until
     * no other large body is being parsed. Two large bodies parsed at once each drew part of the budget, and
     * both were refused half-way (503) where one of them fitted: 12 parallel 1.9 MiB bodies once got 0 served.
     */
    public <T> T parse(Parse<T> parse) throws BadRequestException {
        if (bodyBytes < SERIAL_BODY_BYTES) {
            return parse.run();
        }
        try {
            if (!budget.parsing().tryLock(SERIAL_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new BadRequestException(503, "server busy: too many large bodies in flight; retry shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadRequestException(503, "server busy: interrupted; retry shortly");
        }
        try {
            return parse.run();
        } finally {
            budget.parsing().unlock();
        }
    }

    /** Budget bytes this request holds beyond its body. */
    public long taken() {
        return taken;
    }

    @Override
    public void close() {
        budget.release(taken);
        taken = 0;
    }
}

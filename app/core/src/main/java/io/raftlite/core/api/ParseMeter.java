package io.raftlite.core.api;

/**
 * The heap a request's parsed form will hold, drawn from a node-wide pool while the body is parsed. A body's
 * bytes are counted before it is read; its statements and parameters cost far more than their bytes (a
 * 720 KB body of 60,000 {@code "SELECT 1"} statements held about 40 MB until its answer was written), so the
 * parser draws {@link #STATEMENT_BYTES} per statement and {@link #PARAMETER_BYTES} per parameter as it builds
 * them, and stops at the first that does not fit.
 */
@FunctionalInterface
public interface ParseMeter {

    /**
     * Budget bytes per statement, in the units of the body budget (which is sized at about a fifth of the heap
     * it protects): a statement's objects, its log entry, its result and the result's JSON.
     */
    long STATEMENT_BYTES = 128;
    /** Budget bytes per parameter: a boxed value, its slot, its encoding in the log entry and its binding. */
    long PARAMETER_BYTES = 32;

    /** Nothing drawn: for callers that parse with their own bounds (tests, the log's own decoding). */
    ParseMeter UNMETERED = bytes -> { };

    /**
     * Takes {@code bytes} more for the request being parsed.
     *
     * @throws BadRequestException 413 when the request alone needs more than the pool holds, 503 when the
     *                             pool is in use by other requests (the client retries)
     */
    void take(long bytes) throws BadRequestException;
}

package io.raftlite.core.db;

/**
 * Deterministic budgets of the connections the apply thread uses (the write connection and the one for
 * strong reads). Every bound here is counted by SQLite in a way that does not depend on the host, so a
 * statement that exceeds one fails with the same error on every replica and leaves identical databases.
 * All nodes of a cluster must use the same values.
 *
 * @param maxStatementSteps SQLite VM steps one statement may take (progress handler); at most
 *                          {@link Integer#MAX_VALUE}
 * @param maxValueBytes     SQLITE_LIMIT_LENGTH (largest string, blob or row) and SQLITE_LIMIT_SQL_LENGTH
 * @param maxDatabaseBytes  the database size quota, turned into {@code PRAGMA max_page_count}; 0 = no quota
 */
public record WriteLimits(long maxStatementSteps, int maxValueBytes, long maxDatabaseBytes) {

    /**
     * 100 M steps: 0.6 to 1.2 s of one core here (SQLite ran 85 M steps/s inserting rows and 157 M steps/s in a
     * recursive CTE on the development machine), while a one-million-row INSERT ... SELECT takes 23 M. Every
     * replica's apply thread, and every write behind it, waits while one statement runs: a second is the most
     * one request may cost the whole cluster.
     */
    public static final long DEFAULT_MAX_STATEMENT_STEPS = 100_000_000L;
    /**
     * 1 MiB, the largest value a read may return (ReadLimits: an eighth of the 8 MiB result budget, since a blob
     * byte costs about 8 bytes of heap while it is held and rendered as JSON): a value written must be readable.
     * etcd's request limit is 1.5 MiB, Consul's value limit 512 KiB.
     */
    public static final int DEFAULT_MAX_VALUE_BYTES = 1 << 20;
    /** 2 GiB, etcd's default backend quota. */
    public static final long DEFAULT_MAX_DATABASE_BYTES = 2L << 30;

    public static final WriteLimits DEFAULT = new WriteLimits(DEFAULT_MAX_STATEMENT_STEPS, DEFAULT_MAX_VALUE_BYTES,
            DEFAULT_MAX_DATABASE_BYTES);

    public WriteLimits {
        if (maxStatementSteps < 1 || maxStatementSteps > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxStatementSteps must be between 1 and " + Integer.MAX_VALUE);
        }
        if (maxValueBytes < 1024) {
            throw new IllegalArgumentException("maxValueBytes must be at least 1024");
        }
        if (maxDatabaseBytes < 0) {
            throw new IllegalArgumentException("maxDatabaseBytes must not be negative");
        }
    }
}

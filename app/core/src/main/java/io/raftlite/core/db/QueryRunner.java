package io.raftlite.core.db;

import io.raftlite.core.command.ErrorResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import org.sqlite.SQLiteConnection;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs reads on a borrowed read-only connection. Every failure is reported per statement (a read
 * cannot make replicas diverge); a write attempt gets rqlite's message, and a statement cut short by
 * {@code db_timeout} (through {@code sqlite3_interrupt}) gets rqlite's {@code query timeout}.
 */
final class QueryRunner {

    static final String WRITE_IN_QUERY = "attempt to change database via query operation";
    static final String QUERY_TIMEOUT = "query timeout";

    /**
     * One timer for every read's {@code db_timeout}. A finished read cancels its task, which leaves the queue at
     * once: by default a cancelled task stayed queued until its deadline (10 s by default), so a node serving
     * 7,000 reads/s held about 70,000 dead tasks, old enough to be promoted out of the young generation (RSS 163-167
     * MB after 40 s of reads, 145-146 MB with removal; CPU per read the same, bench/profile-notes.md).
     */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private QueryRunner() {
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "raftlite-db-timeout");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** Timeouts scheduled and not yet fired or cancelled, for tests. */
    static int pendingTimeouts() {
        return TIMER.getQueue().size();
    }

    /**
     * Runs a read on the pool's lanes (see the package documentation, "Reads"): a free pooled connection;
     * else a short-lane connection, whose statements must finish within {@link ReadLimits#SHORT_LANE_TIMEOUT};
     * else (or when they did not) the next pooled connection freed within {@link ReadLimits#connectionWait()}.
     *
     * @throws ReadBusyException when no connection became free in time, or the node's result bytes are used up
     */
    static List<StatementResult> onLanes(ReadConnectionPool pool, ReadLimits limits, ResultBudget.InFlight inFlight,
                                         List<Statement> statements, boolean transaction, Duration dbTimeout) {
        Duration timeout = limits.timeoutFor(dbTimeout);
        Connection conn = pool.tryMain();
        if (conn == null) {
            Connection quick = pool.awaitShort(ReadLimits.SHORT_LANE_TIMEOUT);
            if (quick != null) {
                List<StatementResult> r;
                try (ResultBudget budget = new ResultBudget(limits.maxResultBytes(), inFlight)) {
                    r = query(quick, statements, transaction, timeout, budget, ReadLimits.SHORT_LANE_TIMEOUT);
                } finally {
                    pool.release(quick);
                }
                if (r != null) {
                    return r;
                }
            }
            conn = pool.awaitMain(limits.connectionWait());
            if (conn == null) {
                throw new ReadBusyException("server busy: no read connection free within " + limits.connectionWait()
                        + ", retry later");
            }
        }
        try (ResultBudget budget = new ResultBudget(limits.maxResultBytes(), inFlight)) {
            return query(conn, statements, transaction, timeout, budget, null);
        } finally {
            pool.release(conn);
        }
    }

    /**
     * The results, or null when {@code laneLimit} (shorter than {@code dbTimeout}) cut the read short: the
     * caller runs it again elsewhere. The rows stay charged to {@code budget} until the caller closes it.
     */
    static List<StatementResult> query(Connection conn, List<Statement> statements, boolean transaction,
                                       Duration dbTimeout, ResultBudget budget, Duration laneLimit) {
        boolean laneCuts = laneLimit != null && (dbTimeout == null || laneLimit.compareTo(dbTimeout) < 0);
        Deadline deadline = new Deadline(conn, laneCuts ? laneLimit : dbTimeout);
        List<StatementResult> results = new ArrayList<>(statements.size());
        try {
            if (transaction) {
                execQuietly(conn, "BEGIN");
            }
            for (Statement statement : statements) {
                StatementResult r = deadline.fired() ? new ErrorResult(QUERY_TIMEOUT) : runOne(conn, statement, deadline, budget);
                if (laneCuts && deadline.fired()) {
                    return null;
                }
                if (r != null) {
                    results.add(r);
                }
            }
            return results;
        } finally {
            deadline.finish();
            if (transaction) {
                execQuietly(conn, "ROLLBACK");
            }
        }
    }

    private static StatementResult runOne(Connection conn, Statement statement, Deadline deadline, ResultBudget budget) {
        long start = System.nanoTime();
        try {
            return StatementRunner.run(conn, statement, budget);
        } catch (SQLException e) {
            String message;
            if (SqliteFailure.isInterrupt(e) && deadline.fired()) {
                message = QUERY_TIMEOUT;
            } else if (SqliteFailure.isReadOnlyRefusal(e)) {
                message = WRITE_IN_QUERY;
            } else {
                message = SqliteFailure.message(e);
            }
            return new ErrorResult(message, StatementRunner.seconds(start));
        }
    }

    private static void execQuietly(Connection conn, String sql) {
        try (java.sql.Statement s = conn.createStatement()) {
            s.execute(sql);
        } catch (SQLException ignored) {
            // BEGIN/ROLLBACK of a read transaction: failure leaves nothing to undo
        }
    }

    /** Interrupts the connection when the timeout passes, and never after {@link #finish()} returned. */
    private static final class Deadline {
        private final Connection conn;
        private final ScheduledFuture<?> timer;
        private boolean fired;
        private boolean finished;

        Deadline(Connection conn, Duration timeout) {
            this.conn = conn;
            this.timer = timeout == null || timeout.isZero() || timeout.isNegative() ? null
                    : TIMER.schedule(this::fire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        private synchronized void fire() {
            if (finished) {
                return;
            }
            fired = true;
            try {
                ((SQLiteConnection) conn).getDatabase().interrupt();
            } catch (SQLException ignored) {
                // the connection is gone: the statement fails anyway
            }
        }

        synchronized boolean fired() {
            return fired;
        }

        synchronized void finish() {
            finished = true;
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }
}

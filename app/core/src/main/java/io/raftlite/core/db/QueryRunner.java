package io.raftlite.core.db;

import io.raftlite.core.command.ErrorResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConnection;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs reads on a borrowed read-only connection. Every failure is reported per statement (a read
 * cannot make replicas diverge); a write attempt gets rqlite's message, and a statement cut short by
 * {@code db_timeout} (through SQLite's progress handler) gets rqlite's {@code query timeout}.
 */
final class QueryRunner {

    static final String WRITE_IN_QUERY = "attempt to change database via query operation";
    static final String QUERY_TIMEOUT = "query timeout";

    /**
     * Virtual machine steps between two looks at the clock while a read runs: 18 µs of a recursive query's work
     * here, so the deadline is kept to well under a millisecond, and a point read (14 steps) never looks at all.
     */
    static final int DEADLINE_CHECK_STEPS = 1000;

    private QueryRunner() {
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
                StatementResult r = deadline.fired() || !deadline.boundLockWait()
                        ? new ErrorResult(QUERY_TIMEOUT) : runOne(conn, statement, deadline, budget);
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
            if ((SqliteFailure.isInterrupt(e) || SqliteFailure.isBusy(e)) && deadline.fired()) {
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

    /**
     * Stops the connection's statements once the timeout has passed, through SQLite's progress handler: it looks at
     * the clock every {@link #DEADLINE_CHECK_STEPS} steps and interrupts. No timer thread: a timer cost each read a
     * task scheduled and cancelled, and a wake-up of the timer's thread whenever its queue was empty (0.4-0.5 per read
     * under load, bench/profile-notes.md). {@link #finish()} removes the handler, so nothing reaches the connection's
     * next user. Read connections carry no other progress handler (the step budget is the apply path's).
     *
     * <p>A statement waiting for a lock sits in SQLite's busy handler, where no step runs and {@code sqlite3_interrupt}
     * does not reach either (both checked: a 100 ms deadline returned after the whole busy timeout). So while less than
     * the connection's busy timeout is left, each statement's lock wait is cut to the time left
     * ({@link #boundLockWait()}), and {@link #finish()} restores the connection's own.
     */
    private static final class Deadline extends ProgressHandler {
        private final Connection conn;
        private final long deadline;
        private final boolean armed;
        private boolean fired;
        private boolean lockWaitCut;

        Deadline(Connection conn, Duration timeout) {
            this.conn = conn;
            this.armed = timeout != null && !timeout.isZero() && !timeout.isNegative();
            this.deadline = armed ? System.nanoTime() + timeout.toNanos() : 0;
            if (armed) {
                try {
                    ProgressHandler.setHandler(conn, DEADLINE_CHECK_STEPS, this);
                } catch (SQLException e) {
                    // a closed connection: its statements fail with their own message, and nothing runs long
                }
            }
        }

        @Override
        protected int progress() {
            if (System.nanoTime() - deadline >= 0) {
                fired = true;
                return 1; // SQLITE_INTERRUPT for the statement running
            }
            return 0;
        }

        /**
         * Before each statement: its lock wait may not outlast the deadline. False when the time is already up.
         */
        boolean boundLockWait() {
            if (!armed) {
                return true;
            }
            long leftNanos = deadline - System.nanoTime();
            long leftMillis = (leftNanos + 999_999) / 1_000_000; // up: a wait that ends has passed the deadline
            if (leftMillis >= ReadConnectionPool.BUSY_TIMEOUT_MILLIS) {
                return true;
            }
            if (leftNanos <= 0) {
                fired = true;
                return false;
            }
            try {
                conn.unwrap(SQLiteConnection.class).setBusyTimeout((int) leftMillis);
                lockWaitCut = true;
            } catch (SQLException e) {
                // a closed connection: its statement fails with its own message
            }
            return true;
        }

        /** Whether the time is up: the handler stopped a statement, or the clock says so between statements. */
        boolean fired() {
            if (armed && !fired && System.nanoTime() - deadline >= 0) {
                fired = true;
            }
            return fired;
        }

        void finish() {
            if (armed) {
                try {
                    ProgressHandler.clearHandler(conn);
                    if (lockWaitCut) {
                        conn.unwrap(SQLiteConnection.class).setBusyTimeout(ReadConnectionPool.BUSY_TIMEOUT_MILLIS);
                    }
                } catch (SQLException ignored) {
                    // the connection is gone: nobody will run on it
                }
            }
        }
    }
}

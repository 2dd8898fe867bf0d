package io.raftlite.core.db;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;
import org.sqlite.core.DB;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The read-only connections (SQLITE_OPEN_READONLY plus {@code PRAGMA query_only=1}) to the live file, lent
 * to one thread at a time: the pool proper, a short lane of {@link ReadLimits#SHORT_LANE_CONNECTIONS}
 * more, and one status connection that only {@link #sizeBytes()} uses, under its own lock. They have no
 * application-defined functions, so reads see SQLite's own {@code random()} and {@code 'now'}.
 *
 * <p>Every connection comes back through {@link #release}, which resets it: a transaction the client left
 * open is rolled back and {@code query_only} is set again. One that cannot be reset is
 * closed and replaced, so no request's state reaches the next one.
 */
final class ReadConnectionPool implements AutoCloseable {

    private static final String RESET = "PRAGMA query_only=1; BEGIN; ROLLBACK";

    private final Path file;
    private final int lengthLimit;
    private final BlockingQueue<Connection> main;
    private final BlockingQueue<Connection> shortLane;
    private final Set<Connection> shortOnes = ConcurrentHashMap.newKeySet();
    private final List<Connection> all = new ArrayList<>();
    private final ReentrantLock statusLock = new ReentrantLock();
    private Connection status;
    private boolean closed;

    ReadConnectionPool(Path file, int size, ReadLimits limits) throws SQLException {
        if (size < 1) {
            throw new IllegalArgumentException("readConnections must be at least 1");
        }
        this.file = file;
        // no single value larger than the request's budget can hold: refused before it reaches the heap
        this.lengthLimit = (int) (limits.maxResultBytes() / ResultBudget.BLOB_FACTOR);
        main = new ArrayBlockingQueue<>(size);
        shortLane = new ArrayBlockingQueue<>(ReadLimits.SHORT_LANE_CONNECTIONS);
        try {
            for (int i = 0; i < size; i++) {
                main.add(track(openLimited()));
            }
            for (int i = 0; i < ReadLimits.SHORT_LANE_CONNECTIONS; i++) {
                Connection c = track(openLimited());
                shortOnes.add(c);
                shortLane.add(c);
            }
            status = track(open(file));
            ((SQLiteConnection) status).getDatabase().busy_timeout(200);
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    /** How long a read connection's statement waits for a lock (SQLite's busy handler); a read's deadline cuts it shorter. */
    static final int BUSY_TIMEOUT_MILLIS = 5000;

    static Connection open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.setGetGeneratedKeys(false);
        Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA query_only=1");
        }
        return c;
    }

    private Connection openLimited() throws SQLException {
        Connection c = open(file);
        setLengthLimit(c, lengthLimit);
        return c;
    }

    private synchronized Connection track(Connection c) {
        all.add(c);
        return c;
    }

    private static void setLengthLimit(Connection c, int limit) throws SQLException {
        ((SQLiteConnection) c).getDatabase().limit(SQLiteLimits.SQLITE_LIMIT_LENGTH.getId(), limit);
    }

    /** A free pooled connection, or null at once. */
    Connection tryMain() {
        return main.poll();
    }

    /** Pooled connections free right now (for tests). */
    int idleMain() {
        return main.size();
    }

    /** A pooled connection, or null when none became free within {@code wait}. */
    Connection awaitMain(Duration wait) {
        return await(main, wait);
    }

    /** A short-lane connection, or null when none became free within {@code wait}. */
    Connection awaitShort(Duration wait) {
        return await(shortLane, wait);
    }

    private static Connection await(BlockingQueue<Connection> lane, Duration wait) {
        try {
            return lane.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReadBusyException("interrupted while waiting for a read connection");
        }
    }

    /** Resets {@code c} (or replaces it when it cannot be reset) and gives it back to its lane. */
    void release(Connection c) {
        BlockingQueue<Connection> lane = shortOnes.contains(c) ? shortLane : main;
        Connection back = reset(c) ? c : replace(c);
        if (back != null) {
            lane.add(back);
        }
    }

    /** Rolls back what the client left open; true when the connection is clean again. */
    private boolean reset(Connection c) {
        try {
            DB db = ((SQLiteConnection) c).getDatabase();
            try {
                db._exec(RESET);
            } catch (SQLException inTransaction) { // BEGIN fails inside a transaction: roll that one back
                db._exec("ROLLBACK");
                db._exec("PRAGMA query_only=1");
            }
            return true;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private synchronized Connection replace(Connection broken) {
        boolean isShort = shortOnes.remove(broken);
        all.remove(broken);
        closeQuietly(broken);
        if (closed) {
            return null;
        }
        try {
            Connection fresh = openLimited();
            all.add(fresh);
            if (isShort) {
                shortOnes.add(fresh);
            }
            return fresh;
        } catch (SQLException e) {
            return null; // the lane is one connection short until the next file swap reopens everything
        }
    }

    /** page_count * page_size, on the status connection: never waits for a pooled connection. */
    long sizeBytes() throws SQLException {
        statusLock.lock();
        try (PreparedStatement ps = status.prepareStatement(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } finally {
            statusLock.unlock();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Connection c : all) {
            closeQuietly(c);
        }
        all.clear();
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing: nothing left to do with it
        }
    }
}

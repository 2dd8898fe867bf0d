package io.raftlite.core.db;

import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts {@link WriteLimits} on the apply thread's connections and tells a budget's failure (a result, the
 * same on every replica) from an environmental one (which must stop the node).
 *
 * <p>Steps: a progress handler called once every {@code maxStatementSteps} VM steps of a statement (SQLite
 * counts them per statement) interrupts it the first time it is called. Nothing else interrupts these
 * connections, so an interrupt after the handler fired is the budget's.
 *
 * <p>Size quota: SQLite reports a page count beyond {@code max_page_count} and a full disk alike, as
 * SQLITE_FULL. The quota is taken to be the cause only when the data directory and SQLite's temporary
 * directory both still have {@value #FREE_SPACE_RESERVE} bytes free right after the failure: a real
 * ENOSPC happens when less than one page is left, and SQLite does not give back the WAL space a failed
 * statement used. Otherwise the failure is environmental: the node stops, and replays the entry once the
 * operator freed space, getting the quota's result then. So a replica may stop where another records the
 * quota error, but never records a different outcome.
 */
final class ApplyBudget {

    static final long FREE_SPACE_RESERVE = 64L << 20;
    private static final int SQLITE_INTERRUPT = 9;
    private static final int SQLITE_FULL = 13;

    /** Usable bytes on the file system holding a path (a test may pretend a disk is full). */
    interface FreeSpace {
        FreeSpace REAL = dir -> Files.getFileStore(dir).getUsableSpace();

        long usableBytes(Path dir) throws IOException;
    }

    private final WriteLimits limits;
    private final Path file;
    private final FreeSpace freeSpace;
    private boolean stepsExceeded;

    ApplyBudget(WriteLimits limits, Path file, FreeSpace freeSpace) {
        this.limits = limits;
        this.file = file;
        this.freeSpace = freeSpace;
    }

    WriteLimits limits() {
        return limits;
    }

    /** Installs the step budget and SQLite's length limits on {@code conn}; the size quota too when {@code writer}. */
    void install(Connection conn, boolean writer) throws SQLException {
        var db = ((SQLiteConnection) conn).getDatabase();
        db.limit(SQLiteLimits.SQLITE_LIMIT_LENGTH.getId(), limits.maxValueBytes());
        db.limit(SQLiteLimits.SQLITE_LIMIT_SQL_LENGTH.getId(), limits.maxValueBytes());
        ProgressHandler.setHandler(conn, (int) limits.maxStatementSteps(), new ProgressHandler() {
            @Override
            protected int progress() {
                stepsExceeded = true;
                return 1;
            }
        });
        if (writer && limits.maxDatabaseBytes() > 0) {
            long pageSize = single(conn, "PRAGMA page_size");
            try (Statement s = conn.createStatement()) {
                s.execute("PRAGMA max_page_count=" + Math.max(1, limits.maxDatabaseBytes() / pageSize));
            }
        }
    }

    /** Before each statement on these connections. */
    void startStatement() {
        stepsExceeded = false;
    }

    /** Whether the statement started last was stopped by the step budget. */
    boolean stepsExceeded() {
        return stepsExceeded;
    }

    String stepsMessage() {
        return "statement exceeded its budget of " + limits.maxStatementSteps() + " SQLite steps";
    }

    /** The deterministic message when {@code e} is a budget's doing, else null. */
    String budgetError(SQLException e) {
        int code = SqliteFailure.primaryCode(e);
        if (code == SQLITE_INTERRUPT && stepsExceeded) {
            return stepsMessage();
        }
        if (code == SQLITE_FULL && limits.maxDatabaseBytes() > 0 && enoughFreeSpace()) {
            return "database is full: its size quota is " + limits.maxDatabaseBytes() + " bytes";
        }
        return null;
    }

    private boolean enoughFreeSpace() {
        List<Path> dirs = new ArrayList<>();
        dirs.add(file.getParent() == null ? Path.of(".") : file.getParent());
        String sqliteTmp = System.getenv("SQLITE_TMPDIR");
        for (String d : sqliteTmp == null ? List.of("/var/tmp", "/usr/tmp", "/tmp") : List.of(sqliteTmp)) {
            if (Files.isDirectory(Path.of(d))) {
                dirs.add(Path.of(d));
                break;
            }
        }
        try {
            for (Path dir : dirs) {
                if (freeSpace.usableBytes(dir) < FREE_SPACE_RESERVE) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static long single(Connection conn, String sql) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

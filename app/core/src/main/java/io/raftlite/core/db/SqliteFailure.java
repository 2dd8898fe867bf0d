package io.raftlite.core.db;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.sql.SQLException;
import java.util.Set;

/**
 * Reads a {@link SQLException} from sqlite-jdbc: SQLite's own message without the driver's wrapping,
 * and whether the failure is environmental (the disk, not the SQL) and so must stop the node.
 */
final class SqliteFailure {

    /** Primary result codes a statement can deterministically cause on every replica alike. */
    private static final Set<Integer> DETERMINISTIC = Set.of(
            1,  // SQLITE_ERROR: syntax, no such table, function errors...
            4,  // SQLITE_ABORT: RAISE(ABORT), rollback of a statement
            17, // SQLITE_SCHEMA
            18, // SQLITE_TOOBIG
            19, // SQLITE_CONSTRAINT
            20, // SQLITE_MISMATCH
            23, // SQLITE_AUTH
            25  // SQLITE_RANGE: bad parameter index
    );
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_INTERRUPT = 9;

    private SqliteFailure() {
    }

    /** SQLite's message, e.g. {@code no such table: bar}, for any exception the driver throws. */
    static String message(SQLException e) {
        String msg = e.getMessage() == null ? "" : e.getMessage();
        if (!(e instanceof SQLiteException se) || se.getResultCode() == null) {
            return msg;
        }
        SQLiteErrorCode code = se.getResultCode();
        String prefix = "[" + code.name() + "] " + code.message;
        if (msg.startsWith(prefix + " (") && msg.endsWith(")")) {
            return msg.substring(prefix.length() + 2, msg.length() - 1);
        }
        if (msg.startsWith("[" + code.name() + "] ")) {
            return msg.substring(code.name().length() + 3);
        }
        return msg;
    }

    /** The primary SQLite result code (low byte of the extended code), or -1 when it is not a SQLite error. */
    static int primaryCode(SQLException e) {
        if (e instanceof SQLiteException se && se.getResultCode() != null) {
            return se.getResultCode().code & 0xff;
        }
        return -1;
    }

    static boolean isBusy(SQLException e) {
        return primaryCode(e) == SQLITE_BUSY;
    }

    static boolean isInterrupt(SQLException e) {
        return primaryCode(e) == SQLITE_INTERRUPT;
    }

    static boolean isReadOnlyRefusal(SQLException e) {
        return primaryCode(e) == SQLITE_READONLY;
    }

    /**
     * Whether the failure comes from the environment rather than the SQL: I/O error, disk full,
     * corruption, out of memory, busy... {@code readOnlyExpected} makes SQLITE_READONLY a statement
     * error (the connection was put in query_only mode on purpose). A driver error that is not a
     * SQLite error (e.g. a bad parameter count) is the statement's fault.
     */
    static boolean isEnvironmental(SQLException e, boolean readOnlyExpected) {
        int code = primaryCode(e);
        if (code == -1 || DETERMINISTIC.contains(code)) {
            return false;
        }
        return !(code == SQLITE_READONLY && readOnlyExpected);
    }

    /** Codes a database image itself causes when opened or checked: the same for every replica. */
    private static final Set<Integer> IMAGE_FAULTS = Set.of(1, 8, 11, 17, 24, 26); // ERROR READONLY CORRUPT SCHEMA FORMAT NOTADB

    /**
     * Whether opening or checking a database image failed because of the image (corrupt, not a database, a
     * format this SQLite opens read-only) rather than the environment (I/O, disk full, memory): the first is
     * invalid data, refused alike on every replica; the second must stop the node.
     */
    static boolean isImageFault(SQLException e) {
        int code = primaryCode(e);
        return code == -1 || IMAGE_FAULTS.contains(code);
    }
}

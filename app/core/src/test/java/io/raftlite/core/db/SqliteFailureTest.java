package io.raftlite.core.db;

import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqliteFailureTest {

    @Test
    void unwrapsTheDriversMessage() {
        SQLiteException e = new SQLiteException("[SQLITE_ERROR] SQL error or missing database (near \"blah\": syntax error)",
                SQLiteErrorCode.SQLITE_ERROR);
        assertEquals("near \"blah\": syntax error", SqliteFailure.message(e));
        SQLiteException parens = new SQLiteException(
                "[SQLITE_CONSTRAINT_CHECK] A CHECK constraint failed (CHECK constraint failed: x > (1))",
                SQLiteErrorCode.SQLITE_CONSTRAINT_CHECK);
        assertEquals("CHECK constraint failed: x > (1)", SqliteFailure.message(parens));
        assertEquals("plain", SqliteFailure.message(new SQLException("plain")));
    }

    @Test
    void environmentalFailuresAreToldApartFromStatementErrors() {
        assertTrue(SqliteFailure.isEnvironmental(new SQLiteException("x", SQLiteErrorCode.SQLITE_FULL), false));
        assertTrue(SqliteFailure.isEnvironmental(new SQLiteException("x", SQLiteErrorCode.SQLITE_IOERR_WRITE), false));
        assertTrue(SqliteFailure.isEnvironmental(new SQLiteException("x", SQLiteErrorCode.SQLITE_CORRUPT), false));
        assertTrue(SqliteFailure.isEnvironmental(new SQLiteException("x", SQLiteErrorCode.SQLITE_NOTADB), false));
        assertTrue(SqliteFailure.isEnvironmental(new SQLiteException("x", SQLiteErrorCode.SQLITE_READONLY), false));
        assertFalse(SqliteFailure.isEnvironmental(new SQLiteException("x", SQLiteErrorCode.SQLITE_READONLY), true));
        assertFalse(SqliteFailure.isEnvironmental(new SQLiteException("x", SQLiteErrorCode.SQLITE_ERROR), false));
        assertFalse(SqliteFailure.isEnvironmental(new SQLiteException("x", SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE), false));
        assertFalse(SqliteFailure.isEnvironmental(new SQLException("driver"), false));
    }
}

package io.raftlite.core.db;

import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;

import java.io.Writer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** STUB: replaced by the SQLite layer. Signatures are the contract. */
public final class Database implements AutoCloseable {

    /** Opens (creating if absent) the live database file with {@code readConnections} read-only connections. */
    public static Database open(Path file, int readConnections) {
        throw new UnsupportedOperationException("stub");
    }

    /** Apply thread only: runs statements on the write connection (read-only when {@code readOnly}). */
    public List<StatementResult> apply(List<Statement> statements, boolean transaction, boolean readOnly, EntryContext ctx) {
        throw new UnsupportedOperationException("stub");
    }

    /** Any thread: runs statements on a read-only connection; {@code dbTimeout} may be null (no limit). */
    public List<StatementResult> query(List<Statement> statements, boolean transaction, Duration dbTimeout) {
        throw new UnsupportedOperationException("stub");
    }

    /** Apply thread only: replaces the whole database by the given SQLite file image. */
    public void loadDatabase(byte[] sqliteFile) {
        throw new UnsupportedOperationException("stub");
    }

    /** Apply thread only: runs a SQL dump in one transaction; returns null, or the error after rolling back. */
    public String loadSql(String sqlText, EntryContext ctx) {
        throw new UnsupportedOperationException("stub");
    }

    /** Any thread: writes a consistent, standalone copy of the database to {@code target}. */
    public void copyTo(Path target) {
        throw new UnsupportedOperationException("stub");
    }

    /** Apply thread only: replaces the live database by a copy of {@code source}. */
    public void restoreFrom(Path source) {
        throw new UnsupportedOperationException("stub");
    }

    /** Any thread: writes a SQL text dump, as {@code sqlite3 .dump} does. */
    public void dumpSql(Writer out) {
        throw new UnsupportedOperationException("stub");
    }

    public long sizeBytes() {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public void close() {
    }
}

package io.raftlite.core.db;

import org.sqlite.SQLiteConnection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The database as it was when {@link Database#pin()} returned, held by a read transaction on a read-only
 * connection of its own (WAL keeps that state readable while the apply thread goes on writing). Any one thread
 * may write it out once with {@link #writeTo}; {@link #close} ends the transaction. The live file is neither
 * swapped nor closed while a pinned copy is open, so close it in a {@code finally}.
 */
public final class PinnedCopy implements AutoCloseable {

    private final Connection conn;
    private final Runnable onClose;
    private boolean closed;

    PinnedCopy(Connection conn, Runnable onClose) {
        this.conn = conn;
        this.onClose = onClose;
    }

    /**
     * Writes the pinned state to {@code target} (which must not exist) with SQLite's online backup, in the
     * pinned read transaction, so what the apply thread wrote since is not in it. The copy is a standalone
     * rollback-journal file, as {@code VACUUM INTO} writes one.
     */
    public synchronized void writeTo(Path target) {
        if (closed) {
            throw new IllegalStateException("pinned copy already closed");
        }
        if (Files.exists(target)) {
            throw new IllegalArgumentException("copy target already exists: " + target);
        }
        String dest = target.toAbsolutePath().toString();
        try {
            int rc = conn.unwrap(SQLiteConnection.class).getDatabase().backup("main", dest, null);
            if (rc != 0) {
                throw new StorageException("cannot copy database to " + target + ": SQLite backup result " + rc, null);
            }
            // the backup carries the live file's WAL flag in its header; a snapshot is a standalone file
            try (Connection copy = DriverManager.getConnection("jdbc:sqlite:" + dest);
                 Statement s = copy.createStatement()) {
                s.execute("PRAGMA journal_mode=DELETE");
            }
        } catch (SQLException e) {
            throw new StorageException("cannot copy database to " + target + ": " + SqliteFailure.message(e), e);
        }
    }

    /** Ends the read transaction and closes the connection; the live file may be swapped again. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Statement s = conn.createStatement()) {
            s.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // closing the connection ends the transaction anyway
        } finally {
            try {
                conn.close();
            } catch (SQLException ignored) {
                // nothing more to release
            }
            onClose.run();
        }
    }
}

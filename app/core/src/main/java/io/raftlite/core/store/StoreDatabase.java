package io.raftlite.core.store;

import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import io.raftlite.core.db.Database;
import io.raftlite.core.db.EntryContext;
import io.raftlite.core.db.PinnedCopy;
import io.raftlite.core.db.ReadLimits;
import io.raftlite.core.db.TableChanges;
import io.raftlite.core.db.WriteLimits;

import java.io.Writer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The operations the store needs from the SQLite layer, mirroring {@link Database} one for one. It exists
 * only because {@link Database} is a final class: tests can run the store against a stand-in, and
 * production code always goes through {@link #open(Path, int, WriteLimits)}, i.e. the real {@link Database}.
 */
interface StoreDatabase extends AutoCloseable {

    /** How the store opens its live database file; see {@link #REAL}. */
    @FunctionalInterface
    interface Opener {
        StoreDatabase open(Path file, int readConnections, WriteLimits limits);
    }

    /** Opens the real {@link Database}. */
    Opener REAL = StoreDatabase::open;

    List<StatementResult> apply(List<Statement> statements, boolean transaction, boolean readOnly, EntryContext ctx);

    List<StatementResult> query(List<Statement> statements, boolean transaction, Duration dbTimeout);

    void loadDatabase(byte[] sqliteFile);

    StatementResult loadSql(String sqlText, EntryContext ctx);

    TableChanges takeChanges();

    void copyTo(Path target);

    /** The database pinned as it is now, to be copied later on another thread ({@link Database#pin()}). */
    Pinned pin();

    /** {@link PinnedCopy}, as the store sees it. */
    interface Pinned extends AutoCloseable {
        /** Writes the pinned state to {@code target}, once, on any thread. */
        void writeTo(Path target);

        /** Releases the pin; idempotent. */
        @Override
        void close();
    }

    void restoreFrom(Path source);

    void dumpSql(Writer out);

    long sizeBytes();

    @Override
    void close();

    static StoreDatabase open(Path file, int readConnections, WriteLimits limits) {
        return open(file, readConnections, limits, ReadLimits.DEFAULT);
    }

    /** Opens the real {@link Database} with writes bounded by {@code writeLimits} and reads by {@code readLimits}. */
    static StoreDatabase open(Path file, int readConnections, WriteLimits writeLimits, ReadLimits readLimits) {
        Database db = Database.open(file, readConnections, writeLimits, readLimits);
        return new StoreDatabase() {
            @Override
            public List<StatementResult> apply(List<Statement> s, boolean tx, boolean readOnly, EntryContext ctx) {
                return db.apply(s, tx, readOnly, ctx);
            }

            @Override
            public List<StatementResult> query(List<Statement> s, boolean tx, Duration dbTimeout) {
                return db.query(s, tx, dbTimeout);
            }

            @Override
            public void loadDatabase(byte[] sqliteFile) {
                db.loadDatabase(sqliteFile);
            }

            @Override
            public StatementResult loadSql(String sqlText, EntryContext ctx) {
                return db.loadSqlResult(sqlText, ctx);
            }

            @Override
            public TableChanges takeChanges() {
                return db.takeChanges();
            }

            @Override
            public void copyTo(Path target) {
                db.copyTo(target);
            }

            @Override
            public Pinned pin() {
                PinnedCopy pinned = db.pin();
                return new Pinned() {
                    @Override
                    public void writeTo(Path target) {
                        pinned.writeTo(target);
                    }

                    @Override
                    public void close() {
                        pinned.close();
                    }
                };
            }

            @Override
            public void restoreFrom(Path source) {
                db.restoreFrom(source);
            }

            @Override
            public void dumpSql(Writer out) {
                db.dumpSql(out);
            }

            @Override
            public long sizeBytes() {
                return db.sizeBytes();
            }

            @Override
            public void close() {
                db.close();
            }
        };
    }
}

package io.raftlite.core.db;

import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import io.raftlite.core.sql.SqlPolicy;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The live SQLite database: one write connection for the apply thread (with the deterministic
 * functions) and a pool of read-only connections for any thread. See the package documentation
 * for the thread rules and invariants.
 */
public final class Database implements AutoCloseable {

    private static final byte[] HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    static final String INVALID_SQLITE = "invalid SQLite data";

    private final Path file;
    private final int readConnections;
    private final ReadLimits limits;
    private final ResultBudget.InFlight inFlight;
    /** The last size {@link #sizeBytes()} read, answered while the file is being swapped. */
    private volatile long lastSize;
    private final BuiltinDateTime builtin = new BuiltinDateTime();
    private final DeterministicFunctions functions;
    private final ApplyBudget budget;
    /** Readers hold the read lock while they use a connection; swapping the file takes the write lock. */
    private final ReentrantReadWriteLock swap = new ReentrantReadWriteLock();
    /** Open {@link PinnedCopy pinned copies}: the file is neither swapped nor closed while any is open. */
    private int pins;
    private final Object pinLock = new Object();
    private Connection writer;
    /** The apply thread's read-only connection for strong reads (reads through the log). */
    private Connection strongReader;
    private LogApplier applier;
    private ReadConnectionPool readers;
    private boolean closed;

    private Database(Path file, int readConnections, WriteLimits writeLimits, ReadLimits limits,
                     ApplyBudget.FreeSpace freeSpace) {
        this.file = file.toAbsolutePath();
        this.readConnections = readConnections;
        this.budget = new ApplyBudget(writeLimits, this.file, freeSpace);
        this.functions = new DeterministicFunctions(builtin, writeLimits.maxValueBytes());
        this.limits = limits;
        this.inFlight = new ResultBudget.InFlight(limits.maxInFlightBytes());
    }

    /** Opens (creating if absent) the live database file with {@code readConnections} read-only connections. */
    public static Database open(Path file, int readConnections) {
        return open(file, readConnections, WriteLimits.DEFAULT, ReadLimits.DEFAULT);
    }

    /** The same, with the apply thread's connections bounded by {@code writeLimits} and reads by {@code readLimits}. */
    public static Database open(Path file, int readConnections, WriteLimits writeLimits, ReadLimits readLimits) {
        return open(file, readConnections, writeLimits, readLimits, ApplyBudget.FreeSpace.REAL);
    }

    /** For tests: with another view of the free disk space. */
    static Database open(Path file, int readConnections, WriteLimits limits, ApplyBudget.FreeSpace freeSpace) {
        return open(file, readConnections, limits, ReadLimits.DEFAULT, freeSpace);
    }

    private static Database open(Path file, int readConnections, WriteLimits writeLimits, ReadLimits readLimits,
                                 ApplyBudget.FreeSpace freeSpace) {
        Database db = new Database(file, readConnections, writeLimits, readLimits, freeSpace);
        try {
            Path parent = db.file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            db.openConnections();
        } catch (IOException | SQLException e) {
            db.close();
            throw new StorageException("cannot open database " + file, e);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    private void openConnections() throws SQLException {
        writer = openWriter(file);
        functions.register(writer);
        budget.install(writer, true);
        strongReader = ReadConnectionPool.open(file);
        budget.install(strongReader, false);
        applier = new LogApplier(writer, strongReader, functions, budget);
        readers = new ReadConnectionPool(file, readConnections, limits);
    }

    /** The write connection to {@code path}: WAL, and the connection pragmas pinned. */
    private static Connection openWriter(Path path) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.OFF);
        config.enforceForeignKeys(false);
        config.setBusyTimeout(5000);
        config.setGetGeneratedKeys(false); // StatementRunner reads last_insert_rowid() itself; this ran one more query per INSERT
        Connection c = config.createConnection("jdbc:sqlite:" + path);
        try (java.sql.Statement s = c.createStatement()) {
            for (String pragma : SqlPolicy.connectionPragmaDefaults()) {
                s.execute(pragma); // pinned, not left to the build: entries must apply alike everywhere
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * Whether {@code candidate} opens as the live file is opened (a WAL writer with the pinned pragmas, and a
     * reader). SQLite checks an image with a newer write version (header byte 18 above 2) but opens it read-only,
     * so switching it to WAL fails: such an image passed the quick check, the live file was swapped for it, and
     * the node stopped at that entry on every replay. Now it is invalid data, refused alike on every replica.
     */
    private static boolean opensAsLive(Path candidate) {
        try (Connection w = openWriter(candidate); Connection r = ReadConnectionPool.open(candidate)) {
            return w.isValid(0) && r.isValid(0);
        } catch (SQLException e) {
            if (SqliteFailure.isImageFault(e)) {
                return false;
            }
            throw new StorageException("cannot open database image " + candidate + ": " + SqliteFailure.message(e), e);
        }
    }

    private void closeConnections() {
        if (readers != null) {
            readers.close();
            readers = null;
        }
        for (Connection c : new Connection[] {strongReader, writer}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        strongReader = null;
        writer = null;
        applier = null;
    }

    /**
     * Apply thread only: runs statements on the write connection, or when {@code readOnly} (a strong read)
     * on the apply thread's connection opened read-only.
     */
    public List<StatementResult> apply(List<Statement> statements, boolean transaction, boolean readOnly, EntryContext ctx) {
        return liveApplier().apply(statements, transaction, readOnly, ctx);
    }

    /**
     * Any thread: runs statements on a read-only connection, within {@code dbTimeout} (null or zero: the
     * default of {@link ReadLimits}, and never longer than its maximum) and the result byte budgets.
     *
     * @throws ReadBusyException when the node is saturated (transient: 503 with Retry-After)
     */
    public List<StatementResult> query(List<Statement> statements, boolean transaction, Duration dbTimeout) {
        return withPool(pool -> QueryRunner.onLanes(pool, limits, inFlight, statements, transaction, dbTimeout));
    }

    /** Apply thread only: replaces the whole database by the given SQLite file image. */
    public void loadDatabase(byte[] sqliteFile) {
        if (sqliteFile == null || sqliteFile.length < 100
                || !Arrays.equals(Arrays.copyOf(sqliteFile, HEADER.length), HEADER)) {
            throw new IllegalArgumentException(INVALID_SQLITE);
        }
        Path temp = file.resolveSibling(file.getFileName() + ".load-" + System.nanoTime());
        try {
            Files.write(temp, sqliteFile);
            if (!passesQuickCheck(temp) || !opensAsLive(temp)) {
                throw new IllegalArgumentException(INVALID_SQLITE);
            }
            replaceLiveFile(temp);
        } catch (IOException e) {
            throw new StorageException("cannot stage database image", e);
        } finally {
            deleteQuietly(temp);
            deleteQuietly(Path.of(temp + "-wal"));
            deleteQuietly(Path.of(temp + "-shm"));
        }
    }

    /**
     * An image must be intact, and its schema must pass {@link SqlPolicy} as if each CREATE statement had been
     * sent: a view over a table-valued pragma, or an object with a reserved name, would otherwise enter through
     * the back door.
     */
    private static boolean passesQuickCheck(Path candidate) {
        try (Connection c = ReadConnectionPool.open(candidate);
             PreparedStatement ps = c.prepareStatement("PRAGMA quick_check");
             ResultSet rs = ps.executeQuery();
             PreparedStatement schema = c.prepareStatement("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL");
             ResultSet sql = schema.executeQuery()) {
            boolean intact = rs.next() && "ok".equals(rs.getString(1)) && !rs.next();
            while (intact && sql.next()) {
                intact = SqlPolicy.refusal(sql.getString(1)).isEmpty();
            }
            return intact;
        } catch (SQLException e) {
            if (SqliteFailure.isImageFault(e)) {
                return false;
            }
            throw new StorageException("cannot check database image " + candidate + ": " + SqliteFailure.message(e), e);
        }
    }

    /**
     * Apply thread only: the user tables committed since the last call (after each entry, and after a
     * restore); see {@link TableChanges}.
     */
    public TableChanges takeChanges() {
        return liveApplier().takeChanges();
    }

    /** Apply thread only: runs a SQL dump in one transaction; returns null, or the error after rolling back. */
    public String loadSql(String sqlText, EntryContext ctx) {
        return liveApplier().loadSql(sqlText, ctx);
    }

    /** Apply thread only: as {@link #loadSql}, answering rqlite's one execute result for the whole dump. */
    public StatementResult loadSqlResult(String sqlText, EntryContext ctx) {
        return liveApplier().loadSqlResult(sqlText, ctx);
    }

    /** Any thread: writes a consistent, standalone copy of the database to {@code target} (which must not exist). */
    public void copyTo(Path target) {
        if (Files.exists(target)) {
            throw new IllegalArgumentException("copy target already exists: " + target);
        }
        withOwnConnection(conn -> {
            // query_only also forbids writing the VACUUM INTO target; the connection itself was
            // opened SQLITE_OPEN_READONLY, so lifting query_only briefly cannot change the live file.
            try (java.sql.Statement s = conn.createStatement();
                 PreparedStatement ps = conn.prepareStatement("VACUUM INTO ?")) {
                s.execute("PRAGMA query_only=0");
                try {
                    ps.setString(1, target.toAbsolutePath().toString());
                    ps.execute();
                } finally {
                    s.execute("PRAGMA query_only=1");
                }
                return null;
            } catch (SQLException e) {
                throw new StorageException("cannot copy database to " + target + ": " + SqliteFailure.message(e), e);
            }
        });
    }

    /**
     * Apply thread only: pins the database as the applied entries left it, for a copy written later on any
     * thread ({@link PinnedCopy#writeTo}) while applies go on. Costs a connection and one read; the snapshot
     * that used to copy on the apply thread held every write for the whole copy (issue 16's tail).
     */
    public PinnedCopy pin() {
        return withPool(pool -> {
            try {
                Connection conn = ReadConnectionPool.open(file);
                try (java.sql.Statement s = conn.createStatement()) {
                    s.execute("BEGIN");
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema")) {
                        rs.next(); // the first read starts the read transaction: the state is fixed from here
                    }
                } catch (SQLException e) {
                    conn.close();
                    throw e;
                }
                synchronized (pinLock) {
                    pins++;
                }
                return new PinnedCopy(conn, this::unpinned);
            } catch (SQLException e) {
                throw new StorageException("cannot pin the database for a copy: " + SqliteFailure.message(e), e);
            }
        });
    }

    private void unpinned() {
        synchronized (pinLock) {
            pins--;
            pinLock.notifyAll();
        }
    }

    /** Waits (uninterruptibly: a copy ends by itself) until no pinned copy is open. Holding the swap write lock. */
    private void awaitNoPins() {
        boolean interrupted = false;
        synchronized (pinLock) {
            while (pins > 0) {
                try {
                    pinLock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Apply thread only: replaces the live database by a copy of {@code source} (a standalone file, no -wal). */
    public void restoreFrom(Path source) {
        Path temp = file.resolveSibling(file.getFileName() + ".restore-" + System.nanoTime());
        try {
            Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
            replaceLiveFile(temp);
        } catch (IOException e) {
            throw new StorageException("cannot restore database from " + source, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /** Closes every connection, moves {@code staged} over the live file, drops stale WAL files, reopens. */
    private void replaceLiveFile(Path staged) throws IOException {
        swap.writeLock().lock();
        try {
            checkOpen();
            awaitNoPins();
            closeConnections();
            Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(Path.of(file + "-wal"));
            Files.deleteIfExists(Path.of(file + "-shm"));
            openConnections();
            applier.markAllChanged(); // a new file: every table counts as changed
        } catch (SQLException e) {
            throw new StorageException("cannot reopen database " + file, e);
        } finally {
            swap.writeLock().unlock();
        }
    }

    /** Any thread: writes a SQL text dump, as {@code sqlite3 .dump} does. */
    public void dumpSql(Writer out) {
        withOwnConnection(conn -> {
            try (java.sql.Statement s = conn.createStatement()) {
                s.execute("BEGIN");
                try {
                    SqlDumper.dump(conn, out);
                } finally {
                    s.execute("ROLLBACK");
                }
                return null;
            } catch (SQLException e) {
                throw new StorageException("cannot dump database: " + SqliteFailure.message(e), e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * Any thread: the database size as SQLite sees it (page_count * page_size). Read on a connection of its
     * own, never a pooled one, and never waits for a file swap (the last known size meanwhile), so status
     * and health endpoints answer while every read connection is busy.
     */
    public long sizeBytes() {
        if (!swap.readLock().tryLock()) {
            return lastSize;
        }
        try {
            ReadConnectionPool pool = readers;
            if (closed || pool == null) {
                return lastSize;
            }
            lastSize = pool.sizeBytes();
            return lastSize;
        } catch (SQLException e) {
            return lastSize;
        } finally {
            swap.readLock().unlock();
        }
    }

    @Override
    public void close() {
        swap.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            awaitNoPins();
            closed = true;
            closeConnections();
            builtin.close();
        } finally {
            swap.writeLock().unlock();
        }
    }

    private LogApplier liveApplier() {
        checkOpen();
        return applier;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("database is closed");
        }
    }

    private interface ReaderWork<T> {
        T run(Connection conn);
    }

    /** For tests: pooled read connections free right now. */
    int idleReadConnections() {
        return withPool(ReadConnectionPool::idleMain);
    }

    private <T> T withPool(java.util.function.Function<ReadConnectionPool, T> work) {
        swap.readLock().lock();
        try {
            checkOpen();
            return work.apply(readers);
        } finally {
            swap.readLock().unlock();
        }
    }

    /**
     * Whole-database work (snapshot copy, dump) on a read-only connection opened for it and closed after: it
     * never waits behind client queries nor holds a pooled connection for minutes, and it may read values of
     * any stored size (the pool's length limit does not apply).
     */
    private <T> T withOwnConnection(ReaderWork<T> work) {
        return withPool(pool -> {
            try (Connection conn = ReadConnectionPool.open(file)) {
                return work.run(conn);
            } catch (SQLException e) {
                throw new StorageException("read connection failed: " + SqliteFailure.message(e), e);
            }
        });
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temp file is harmless
        }
    }
}

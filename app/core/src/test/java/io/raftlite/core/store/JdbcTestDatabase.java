package io.raftlite.core.store;

import io.raftlite.core.command.ErrorResult;
import io.raftlite.core.command.ExecuteResult;
import io.raftlite.core.command.QueryResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import io.raftlite.core.db.EntryContext;
import io.raftlite.core.db.StorageException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * TEST-ONLY stand-in for {@code io.raftlite.core.db.Database} (still a stub while the SQLite layer is
 * being written): a single sqlite-jdbc connection, positional parameters only. Once the real Database
 * lands, {@link StoreTestSupport#OPENER} switches to {@link StoreDatabase#REAL} and this file goes.
 * The SQL {@code SELECT storage_failure()} throws {@link StorageException}, to test fail-stop.
 */
final class JdbcTestDatabase implements StoreDatabase {

    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private final Path file;
    private Connection conn;

    private JdbcTestDatabase(Path file) {
        this.file = file;
        reopen();
    }

    static StoreDatabase open(Path file, int readConnections) {
        return new JdbcTestDatabase(file);
    }

    @Override
    public synchronized List<StatementResult> apply(List<Statement> statements, boolean tx, boolean readOnly,
                                                    EntryContext ctx) {
        try {
            conn.createStatement().execute("PRAGMA query_only=" + (readOnly ? 1 : 0));
            if (tx) {
                conn.createStatement().execute("BEGIN");
            }
            List<StatementResult> results = new ArrayList<>();
            for (Statement s : statements) {
                StatementResult r = run(s);
                results.add(r);
                if (tx && r instanceof ErrorResult) {
                    conn.createStatement().execute("ROLLBACK");
                    return results;
                }
            }
            if (tx) {
                conn.createStatement().execute("COMMIT");
            }
            return results;
        } catch (SQLException e) {
            throw new StorageException("test database", e);
        }
    }

    private StatementResult run(Statement s) throws SQLException {
        if (s.sql().contains("storage_failure()")) {
            throw new StorageException("simulated disk failure", null);
        }
        try (PreparedStatement ps = conn.prepareStatement(s.sql())) {
            for (int i = 0; i < s.positional().size(); i++) {
                ps.setObject(i + 1, s.positional().get(i));
            }
            if (ps.execute()) {
                return rows(ps.getResultSet());
            }
            long changes = ps.getUpdateCount();
            try (ResultSet rs = conn.createStatement().executeQuery("SELECT last_insert_rowid()")) {
                return new ExecuteResult(rs.getLong(1), changes, 0);
            }
        } catch (SQLException e) {
            return new ErrorResult(e.getMessage());
        }
    }

    private static QueryResult rows(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            columns.add(md.getColumnName(i));
            types.add(String.valueOf(md.getColumnTypeName(i)).toLowerCase());
        }
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= columns.size(); i++) {
                Object v = rs.getObject(i);
                row.add(v instanceof Integer n ? Long.valueOf(n) : v);
            }
            rows.add(row);
        }
        return new QueryResult(columns, types, rows, 0);
    }

    @Override
    public synchronized List<StatementResult> query(List<Statement> statements, boolean tx, Duration dbTimeout) {
        return apply(statements, tx, true, new EntryContext(0, 0));
    }

    @Override
    public synchronized void loadDatabase(byte[] sqliteFile) {
        if (sqliteFile.length < SQLITE_HEADER.length
                || !Arrays.equals(Arrays.copyOf(sqliteFile, SQLITE_HEADER.length), SQLITE_HEADER)) {
            throw new IllegalArgumentException("not a SQLite database");
        }
        close();
        try {
            Files.write(file, sqliteFile);
            deleteSideFiles();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        reopen();
    }

    @Override
    public synchronized String loadSql(String sqlText, EntryContext ctx) {
        try {
            conn.createStatement().executeUpdate(sqlText);
            return null;
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    @Override
    public synchronized void copyTo(Path target) {
        try (PreparedStatement ps = conn.prepareStatement("VACUUM INTO ?")) {
            conn.createStatement().execute("PRAGMA query_only=0");
            ps.setString(1, target.toString());
            ps.execute();
        } catch (SQLException e) {
            throw new StorageException("copy failed", e);
        }
    }

    @Override
    public synchronized void restoreFrom(Path source) {
        close();
        try {
            Files.copy(source, file, StandardCopyOption.REPLACE_EXISTING);
            deleteSideFiles();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        reopen();
    }

    @Override
    public void dumpSql(Writer out) {
        throw new UnsupportedOperationException("not in the test stand-in");
    }

    @Override
    public long sizeBytes() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (conn != null) {
                conn.close();
            }
        } catch (SQLException e) {
            throw new StorageException("close", e);
        } finally {
            conn = null;
        }
    }

    private void reopen() {
        try {
            conn = DriverManager.getConnection("jdbc:sqlite:" + file);
            conn.createStatement().execute("PRAGMA synchronous=OFF");
        } catch (SQLException e) {
            throw new StorageException("open " + file, e);
        }
    }

    private void deleteSideFiles() throws IOException {
        for (String suffix : List.of("-wal", "-shm", "-journal")) {
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
        }
    }
}

package io.raftlite.core.db;

import io.raftlite.core.command.ErrorResult;
import io.raftlite.core.command.ExecuteResult;
import io.raftlite.core.command.QueryResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.raftlite.core.db.DatabaseTest.error;
import static io.raftlite.core.db.DatabaseTest.exec;
import static io.raftlite.core.db.DatabaseTest.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadAndFileTest {

    @TempDir
    Path dir;
    Database db;

    @BeforeEach
    void open() {
        db = Database.open(dir.resolve("live.sqlite"), 2);
        exec(db, "CREATE TABLE foo (id INTEGER PRIMARY KEY, name TEXT, r REAL, b BLOB)",
                "INSERT INTO foo(name, r, b) VALUES('it''s', 0.1, x'00ff'), (NULL, 1e300, NULL), ('x', -2.5, x'')");
    }

    @AfterEach
    void close() {
        db.close();
    }

    List<StatementResult> query(String... sql) {
        return db.query(java.util.Arrays.stream(sql).map(Statement::of).toList(), false, null);
    }

    String dump(Database d) {
        StringWriter out = new StringWriter();
        d.dumpSql(out);
        return out.toString();
    }

    @Test
    void queryReadsAndRefusesWrites() {
        List<StatementResult> r = query("SELECT count(*) FROM foo", "INSERT INTO foo(name) VALUES('no')", "SELECT * FROM nope");
        assertEquals(List.of(List.of(3L)), rows(r.get(0)).rows());
        assertEquals(QueryRunner.WRITE_IN_QUERY, error(r.get(1)));
        assertEquals("no such table: nope", error(r.get(2)));
        assertEquals(3L, rows(query("SELECT count(*) FROM foo").get(0)).rows().get(0).get(0));
    }

    @Test
    void dbTimeoutInterruptsALongQuery() {
        String slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
        List<StatementResult> r = db.query(List.of(Statement.of(slow), Statement.of("SELECT 1")), false, Duration.ofMillis(100));
        assertEquals(QueryRunner.QUERY_TIMEOUT, error(r.get(0)));
        assertEquals(QueryRunner.QUERY_TIMEOUT, error(r.get(1)));
        assertEquals(List.of(List.of(1L)), rows(db.query(List.of(Statement.of("SELECT 1")), false, null).get(0)).rows());
    }

    @Test
    void queryInATransactionSeesOneSnapshot() {
        List<StatementResult> r = db.query(List.of(Statement.of("SELECT count(*) FROM foo"), Statement.of("SELECT max(id) FROM foo")),
                true, Duration.ofSeconds(5));
        assertEquals(3L, rows(r.get(0)).rows().get(0).get(0));
        assertEquals(3L, rows(r.get(1)).rows().get(0).get(0));
    }

    @Test
    void dumpHasSqlite3Shape() {
        exec(db, "CREATE INDEX foo_name ON foo(name)");
        String expected = "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
                + "CREATE TABLE foo (id INTEGER PRIMARY KEY, name TEXT, r REAL, b BLOB);\n"
                + "INSERT INTO \"foo\" VALUES(1,'it''s',0.1,X'00FF');\n"
                + "INSERT INTO \"foo\" VALUES(2,NULL,1.0e+300,NULL);\n"
                + "INSERT INTO \"foo\" VALUES(3,'x',-2.5,X'');\n"
                + "CREATE INDEX foo_name ON foo(name);\nCOMMIT;\n";
        assertEquals(expected, dump(db));
    }

    @Test
    void dumpRoundTripsRealsExactly() {
        exec(db, "CREATE TABLE reals (v REAL)", "INSERT INTO reals VALUES(0.1 + 0.2), (1.0 / 3), (-1e-310), (4.9e-324)");
        try (Database other = Database.open(dir.resolve("reals.sqlite"), 1)) {
            assertNull(other.loadSql(dump(db), DatabaseTest.CTX));
            String sql = "SELECT v FROM reals ORDER BY rowid";
            assertEquals(rows(query(sql).get(0)).rows(),
                    rows(other.query(List.of(Statement.of(sql)), false, null).get(0)).rows());
            assertEquals(0.1 + 0.2, rows(query(sql).get(0)).rows().get(0).get(0));
        }
    }

    @Test
    void loadSqlReplaysADumpAndRollsBackOnError() {
        String dump = dump(db);
        try (Database other = Database.open(dir.resolve("other.sqlite"), 1)) {
            assertNull(other.loadSql(dump, DatabaseTest.CTX));
            assertEquals(dump, dump(other));
            String error = other.loadSql("CREATE TABLE t2 (x); INSERT INTO t2 VALUES(1); INSERT INTO missing VALUES(1);",
                    DatabaseTest.CTX);
            assertEquals("no such table: missing", error);
            assertEquals(dump, dump(other));
            assertEquals("ATTACH and DETACH are not allowed", other.loadSql("ATTACH 'x' AS y;", DatabaseTest.CTX));
        }
    }

    /** rqlite's one execute result for a whole dump: the counters after its last statement, or the error. */
    @Test
    void loadSqlResultIsOneExecuteResultForTheWholeDump() {
        try (Database other = Database.open(dir.resolve("other.sqlite"), 1)) {
            StatementResult ok = other.loadSqlResult("BEGIN TRANSACTION;\nCREATE TABLE t2 (x);\n"
                    + "INSERT INTO t2 VALUES(1);\nINSERT INTO t2 VALUES(2),(3);\nCREATE INDEX i ON t2(x);\nCOMMIT;\n",
                    DatabaseTest.CTX);
            assertEquals(new ExecuteResult(3, 2, ok.timeSeconds()), ok, "rowid of the last insert, its changes");
            StatementResult failed = other.loadSqlResult("INSERT INTO t2 VALUES(4);\nINSERT INTO missing VALUES(1);\n"
                    + "INSERT INTO t2 VALUES(5);\n", DatabaseTest.CTX);
            assertEquals("no such table: missing", ((ErrorResult) failed).error());
            assertEquals(List.of(List.of(3L)), rows(other.query(List.of(Statement.of("SELECT count(*) FROM t2")), false,
                    null).get(0)).rows(), "nothing of the failed dump stays");
            assertEquals(new ExecuteResult(0, 0, 0), withoutTime(other.loadSqlResult("SELECT 1;", DatabaseTest.CTX)));
        }
    }

    private static StatementResult withoutTime(StatementResult r) {
        return r instanceof ExecuteResult e ? new ExecuteResult(e.lastInsertId(), e.rowsAffected(), 0) : r;
    }

    @Test
    void copyToMakesAStandaloneCopyAndRestoreFromBringsItBack() throws Exception {
        String before = dump(db);
        Path copy = dir.resolve("copy.sqlite");
        db.copyTo(copy);
        assertFalse(Files.exists(Path.of(copy + "-wal")));
        exec(db, "DELETE FROM foo");
        db.restoreFrom(copy);
        assertEquals(before, dump(db));
        assertEquals(3L, rows(query("SELECT count(*) FROM foo").get(0)).rows().get(0).get(0));
        assertTrue(db.sizeBytes() > 0);
        // the write connection still works, with its deterministic functions
        assertEquals("2023-11-14 22:13:20", rows(exec(db, "SELECT datetime('now')").get(0)).rows().get(0).get(0));
        assertThrows(IllegalArgumentException.class, () -> db.copyTo(copy));
    }

    /** A standalone database file holding table {@code only} with one row, 'loaded'. */
    private byte[] image() throws Exception {
        Path image = dir.resolve("image.sqlite");
        try (Database other = Database.open(dir.resolve("src.sqlite"), 1)) {
            exec(other, "CREATE TABLE only (v)", "INSERT INTO only VALUES('loaded')");
            other.copyTo(image);
        }
        return Files.readAllBytes(image);
    }

    @Test
    void loadDatabaseReplacesContentOrRefusesInvalidData() throws Exception {
        byte[] bytes = image();
        String before = dump(db);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> db.loadDatabase("not a database at all, not even close........".repeat(4).getBytes()));
        assertEquals("invalid SQLite data", bad.getMessage());
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length);
        java.util.Arrays.fill(truncated, 100, truncated.length, (byte) 0x5a);
        assertThrows(IllegalArgumentException.class, () -> db.loadDatabase(truncated));
        assertEquals(before, dump(db));
        db.loadDatabase(bytes);
        assertEquals(List.of(List.of("loaded")), rows(query("SELECT v FROM only").get(0)).rows());
        assertEquals("no such table: foo", error(query("SELECT * FROM foo").get(0)));
        assertEquals("wal", rows(exec(db, "PRAGMA journal_mode").get(0)).rows().get(0).get(0));
    }

    /**
     * Every byte of the 100-byte header, set to a handful of values: each image is loaded or refused as invalid
     * data (the same on every replica), never a storage failure. An image with a flipped byte once passed
     * quick_check and then could not be opened as the live file: the node stopped (exit 74) at that entry, and
     * again at every restart while the entry replayed.
     */
    @Test
    void aCorruptHeaderIsRefusedOrLoadedNeverAStorageFailure() throws Exception {
        byte[] bytes = image();
        int loaded = 0;
        int refused = 0;
        for (int offset = 16; offset < 100; offset++) {
            for (int value : new int[] {0, 1, 2, 3, 0x40, 0x7f, 0x80, 0xff}) {
                byte[] b = bytes.clone();
                b[offset] = (byte) value;
                try {
                    db.loadDatabase(b);
                    loaded++;
                } catch (IllegalArgumentException invalid) {
                    refused++;
                } catch (StorageException e) {
                    throw new AssertionError("header byte " + offset + " = " + value + ": " + e.getMessage(), e);
                }
                assertEquals(1L, rows(exec(db, "SELECT 1").get(0)).rows().get(0).get(0),
                        "the live database works after header byte " + offset + " = " + value);
            }
        }
        assertTrue(loaded > 0 && refused > 0, "loaded " + loaded + ", refused " + refused);
    }

    @Test
    void loadDatabaseAcceptsAWalModeFileImage() throws Exception {
        Path src = dir.resolve("walsrc.sqlite");
        try (Database other = Database.open(src, 1)) {
            exec(other, "CREATE TABLE w (v)", "INSERT INTO w VALUES(42)");
        }
        byte[] bytes = Files.readAllBytes(src);
        assertEquals(2, bytes[18], "closed live file is a WAL-mode image");
        db.loadDatabase(bytes);
        assertEquals(List.of(List.of(42L)), rows(query("SELECT v FROM w").get(0)).rows());
    }

    @Test
    void aCopyDumpsLikeItsOriginalAndKeepsRowids() {
        exec(db, "CREATE TABLE n (x)", "INSERT INTO n VALUES(1), (2), (3), (4)", "DELETE FROM n WHERE x IN (2, 3)",
                "CREATE VIEW v AS SELECT * FROM n", "CREATE TRIGGER tr AFTER INSERT ON n BEGIN SELECT 1; END",
                "CREATE INDEX n_x ON n(x)", "CREATE TABLE later (y)", "CREATE TABLE seq (id INTEGER PRIMARY KEY AUTOINCREMENT, z)",
                "INSERT INTO seq(z) VALUES('a')");
        Path copy = dir.resolve("c.sqlite");
        db.copyTo(copy);
        try (Database other = Database.open(dir.resolve("o.sqlite"), 1)) {
            other.restoreFrom(copy);
            assertEquals(dump(db), dump(other));
            String sql = "SELECT rowid, x FROM n ORDER BY rowid";
            assertEquals(List.of(List.of(1L, 1L), List.of(4L, 4L)),
                    rows(other.query(List.of(Statement.of(sql)), false, null).get(0)).rows());
            try (Database fromDump = Database.open(dir.resolve("d.sqlite"), 1)) {
                assertNull(fromDump.loadSql(dump(db), DatabaseTest.CTX));
                assertEquals(dump(db), dump(fromDump));
            }
        }
    }

    @Test
    void reopeningKeepsTheData() {
        db.close();
        db = Database.open(dir.resolve("live.sqlite"), 1);
        assertEquals(3L, rows(query("SELECT count(*) FROM foo").get(0)).rows().get(0).get(0));
    }

    @Test
    void readersNeverFailWhileTheFileIsReplaced() throws Exception {
        Path copy = dir.resolve("same.sqlite");
        db.copyTo(copy);
        java.util.concurrent.atomic.AtomicReference<String> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                StatementResult r = query("SELECT count(*) FROM foo").get(0);
                if (r instanceof ErrorResult e) {
                    failure.set(e.error());
                }
            }
        });
        reader.start();
        for (int i = 0; i < 10; i++) {
            db.restoreFrom(copy);
        }
        stop.set(true);
        reader.join();
        assertNull(failure.get());
    }

    @Test
    void readsRunConcurrentlyWithApply() throws Exception {
        Thread reader = new Thread(() -> {
            for (int i = 0; i < 200; i++) {
                StatementResult r = query("SELECT count(*) FROM foo").get(0);
                if (r instanceof ErrorResult e) {
                    throw new AssertionError(e.error());
                }
            }
        });
        reader.start();
        for (int i = 0; i < 200; i++) {
            exec(db, "INSERT INTO foo(name) VALUES('more')");
        }
        reader.join();
        QueryResult q = rows(query("SELECT count(*) FROM foo").get(0));
        assertEquals(203L, q.rows().get(0).get(0));
    }
}

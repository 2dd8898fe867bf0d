package io.raftlite.core.db;

import io.raftlite.core.command.ExecuteResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import io.raftlite.core.sql.SqlPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static io.raftlite.core.db.DatabaseTest.CTX;
import static io.raftlite.core.db.DatabaseTest.error;
import static io.raftlite.core.db.DatabaseTest.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The entries of issue 12 that used to stop or corrupt every replica: each is now a statement error, the
 * database stays usable, and two databases given the same entries end identical.
 */
class PoisonEntryTest {

    /** Small budgets so the runaway statements end in milliseconds: 2 M steps, 64 KiB values, 1 MiB database. */
    static final WriteLimits SMALL = new WriteLimits(2_000_000, 64 * 1024, 1 << 20);

    @TempDir
    Path dir;
    Database db;

    @BeforeEach
    void open() {
        db = Database.open(dir.resolve("db.sqlite"), 2, SMALL, ReadLimits.DEFAULT);
        write(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, x)", "INSERT INTO t(x) VALUES('a')");
    }

    @AfterEach
    void close() {
        db.close();
    }

    static List<StatementResult> write(Database d, String... sql) {
        return d.apply(Arrays.stream(sql).map(Statement::of).toList(), false, false, CTX);
    }

    private List<StatementResult> strongRead(String... sql) {
        return db.apply(Arrays.stream(sql).map(Statement::of).toList(), false, true, CTX);
    }

    private long count(Database d) {
        return (Long) rows(d.query(List.of(Statement.of("SELECT count(*) FROM t")), false, null).get(0)).rows().get(0).get(0);
    }

    /** The database still takes a write, serves a read and a strong read, and holds {@code expected} rows after it. */
    private void assertUsable(long expected) {
        assertInstanceOf(ExecuteResult.class, write(db, "INSERT INTO t(x) VALUES('after')").get(0));
        assertEquals(expected + 1, count(db));
        assertEquals(expected + 1, rows(strongRead("SELECT count(*) FROM t").get(0)).rows().get(0).get(0));
    }

    @Test
    void writableSchemaAndSchemaTableWritesAreRefused() {
        List<StatementResult> r = write(db, "PRAGMA writable_schema=ON",
                "UPDATE sqlite_master SET sql='CREATE TABLE t(' WHERE name='t'", "DELETE FROM main.sqlite_schema");
        assertEquals(SqlPolicy.DISALLOWED_PRAGMA, error(r.get(0)));
        assertEquals(SqlPolicy.SCHEMA_TABLE_REFUSED, error(r.get(1)));
        assertEquals(SqlPolicy.SCHEMA_TABLE_REFUSED, error(r.get(2)));
        assertUsable(1);
    }

    @Test
    void connectionStatePragmasAreRefusedInWritesAndStrongReads() {
        for (String pragma : List.of("PRAGMA locking_mode=EXCLUSIVE", "PRAGMA query_only=1", "PRAGMA journal_mode=DELETE",
                "PRAGMA main.synchronous=FULL", "PRAGMA temp_store=FILE", "PRAGMA mmap_size=1000000",
                "PRAGMA cache_size=-1000000", "PRAGMA max_page_count=1", "PRAGMA schema_version=1",
                "SELECT * FROM pragma_locking_mode WHERE arg='exclusive'")) {
            assertEquals(SqlPolicy.DISALLOWED_PRAGMA, error(write(db, pragma).get(0)), pragma);
            assertEquals(SqlPolicy.DISALLOWED_PRAGMA, error(strongRead(pragma).get(0)), pragma);
        }
        assertUsable(1);
    }

    @Test
    void raftlitesInternalTableIsOutOfReach() {
        List<StatementResult> r = write(db, "DROP TABLE temp.raftlite_counters", "DROP TABLE raftlite_counters",
                "DELETE FROM \"raftlite_counters\"");
        assertEquals(SqlPolicy.TEMP_REFUSED, error(r.get(0)));
        assertEquals(SqlPolicy.RESERVED_NAME_REFUSED, error(r.get(1)));
        assertEquals(SqlPolicy.RESERVED_NAME_REFUSED, error(r.get(2)));
        assertEquals(2L, assertInstanceOf(ExecuteResult.class, write(db, "INSERT INTO t(x) VALUES('b')").get(0)).lastInsertId());
        assertUsable(2);
    }

    @Test
    void tempObjectsAttachAndVacuumIntoAreRefused() {
        Path outside = dir.resolve("outside.db");
        List<StatementResult> r = write(db, "CREATE TEMP TABLE x (a)", "CREATE TEMPORARY VIEW v AS SELECT 1",
                "CREATE TABLE temp.y (a)", "ATTACH '" + outside + "' AS o", "VACUUM INTO '" + outside + "'",
                "SELECT load_extension('/tmp/x.so')", "SELECT fts3_tokenizer('simple', x'00')");
        assertEquals(SqlPolicy.TEMP_REFUSED, error(r.get(0)));
        assertEquals(SqlPolicy.TEMP_REFUSED, error(r.get(1)));
        assertEquals(SqlPolicy.TEMP_REFUSED, error(r.get(2)));
        assertEquals(SqlPolicy.ATTACH_REFUSED, error(r.get(3)));
        assertEquals(SqlPolicy.VACUUM_INTO_REFUSED, error(r.get(4)));
        assertEquals(SqlPolicy.LOAD_EXTENSION_REFUSED, error(r.get(5)));
        assertEquals(SqlPolicy.FUNCTION_REFUSED + "fts3_tokenizer", error(r.get(6)));
        assertFalse(Files.exists(outside));
        assertUsable(1);
    }

    @Test
    void anEndlessRecursiveInsertStopsAtItsStepBudget() {
        List<StatementResult> r = write(db, "INSERT INTO t(x) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c)"
                + " SELECT n FROM c");
        assertEquals("statement exceeded its budget of 2000000 SQLite steps", error(r.get(0)));
        assertEquals(1, count(db));
        assertTrue(error(strongRead("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT count(*) FROM c")
                .get(0)).contains("budget"));
        assertUsable(1);
    }

    @Test
    void hugeValuesAreAStatementErrorNotAnOutOfMemory() {
        List<StatementResult> r = write(db, "SELECT randomblob(100000000)", "INSERT INTO t(x) VALUES(zeroblob(1000000000))",
                "INSERT INTO t(x) VALUES(randomblob(65537))");
        for (StatementResult one : r) {
            assertEquals("string or blob too big", error(one));
        }
        assertUsable(1);
    }

    @Test
    void aStrongReadNeverWrites() {
        List<StatementResult> r = strongRead("PRAGMA query_only=0", "INSERT INTO t(x) VALUES('x')", "DROP TABLE t");
        assertEquals(SqlPolicy.DISALLOWED_PRAGMA, error(r.get(0)));
        assertEquals(QueryRunner.WRITE_IN_QUERY, error(r.get(1)));
        assertEquals(QueryRunner.WRITE_IN_QUERY, error(r.get(2)));
        strongRead("BEGIN", "SELECT count(*) FROM t"); // a transaction left open would freeze later strong reads
        assertUsable(1);
    }

    @Test
    void theSizeQuotaIsAStatementErrorAndDeletesStillWork() {
        List<StatementResult> r = write(db, "INSERT INTO t(x) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c"
                + " WHERE n < 100) SELECT zeroblob(60000) FROM c");
        assertTrue(error(r.get(0)).startsWith("database is full: its size quota is 1048576 bytes"), error(r.get(0)));
        assertEquals(1, count(db));
        StatementResult last = null;
        for (int i = 0; i < 30 && !(last instanceof io.raftlite.core.command.ErrorResult); i++) {
            last = write(db, "INSERT INTO t(x) VALUES(zeroblob(60000))").get(0);
        }
        assertTrue(error(last).startsWith("database is full"), error(last));
        assertInstanceOf(ExecuteResult.class, write(db, "DELETE FROM t WHERE id > 1").get(0));
        assertUsable(1);
    }

    @Test
    void aFullDiskStillStopsTheApply() {
        try (Database full = Database.open(dir.resolve("full.sqlite"), 1, SMALL, d -> 4096)) {
            write(full, "CREATE TABLE t (x)");
            assertThrows(StorageException.class, () -> write(full, "INSERT INTO t SELECT zeroblob(60000) FROM"
                    + " (WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 100) SELECT n FROM c)"));
        }
    }

    @Test
    void aConnectionPragmaLastsForItsEntryOnly() {
        write(db, "CREATE TABLE p (id INTEGER PRIMARY KEY)", "CREATE TABLE c (p REFERENCES p(id))");
        List<StatementResult> withFk = write(db, "PRAGMA foreign_keys=ON", "INSERT INTO c VALUES(7)");
        assertEquals("FOREIGN KEY constraint failed", error(withFk.get(1)));
        // the next entry runs as on a freshly opened connection (as after a restart): foreign keys off again
        assertInstanceOf(ExecuteResult.class, write(db, "INSERT INTO c VALUES(7)").get(0));
        assertEquals(0L, rows(write(db, "PRAGMA foreign_keys").get(0)).rows().get(0).get(0));
        assertEquals(null, db.loadSql("PRAGMA foreign_keys=ON; INSERT INTO c VALUES(8);", CTX));
        assertInstanceOf(ExecuteResult.class, write(db, "INSERT INTO c VALUES(9)").get(0));
    }

    @Test
    void oddWritesAreStatementResultsNotStorageFailures() {
        List<String> odd = List.of("INSERT INTO dbstat VALUES('x', '/', 1, 'leaf', 1, 1, 1, 1, 1, 1)",
                "CREATE VIRTUAL TABLE s USING dbstat", "INSERT INTO s(name) VALUES('x')",
                "CREATE VIRTUAL TABLE f USING fts5(a)", "CREATE VIRTUAL TABLE fv USING fts5vocab(f, 'row')",
                "INSERT INTO fv VALUES('a', 1, 1)", "DELETE FROM fv", "INSERT INTO f(f) VALUES('rebuild')",
                "ANALYZE", "DELETE FROM sqlite_stat1", "DROP TABLE sqlite_stat1", "REINDEX", "VACUUM",
                "BEGIN", "VACUUM", "CREATE TRIGGER loop AFTER INSERT ON t BEGIN INSERT INTO t(x) VALUES(new.x); END",
                "INSERT INTO t(x) VALUES('loop')", "DROP TRIGGER loop", "SELECT * FROM pragma_table_info('t')",
                "CREATE TABLE w (a) STRICT", "INSERT INTO w VALUES('text')", "SELECT abs(-9223372036854775808)");
        for (String sql : odd) {
            write(db, sql); // any result or error, the same everywhere; a StorageException would fail the test
        }
        assertUsable(1);
    }

    @Test
    void anImageWhoseSchemaThePolicyRefusesIsNotLoaded() throws Exception {
        Path image = dir.resolve("image.sqlite");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + image);
             java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ok (a)");
            s.execute("CREATE VIEW v AS SELECT arg FROM pragma_journal_mode");
        }
        byte[] bytes = Files.readAllBytes(image);
        assertEquals(Database.INVALID_SQLITE, assertThrows(IllegalArgumentException.class, () -> db.loadDatabase(bytes))
                .getMessage());
        assertUsable(1);
    }

    @Test
    void twoDatabasesGivenThePoisonEntriesEndIdentical() {
        List<List<String>> entries = List.of(
                List.of("CREATE TABLE u (id INTEGER PRIMARY KEY, v)", "INSERT INTO u(v) VALUES(random())"),
                List.of("PRAGMA writable_schema=ON", "UPDATE sqlite_master SET sql='x' WHERE name='u'"),
                List.of("PRAGMA locking_mode=EXCLUSIVE", "INSERT INTO u(v) VALUES(1)"),
                List.of("DROP TABLE temp.raftlite_counters", "INSERT INTO u(v) VALUES(2)"),
                List.of("INSERT INTO u(v) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n FROM c"),
                List.of("INSERT INTO u(v) SELECT randomblob(100000000)", "INSERT INTO u(v) VALUES(randomblob(16))"),
                List.of("CREATE TEMP TABLE tt (a)", "ATTACH 'x.db' AS x", "VACUUM INTO 'y.db'"),
                List.of("INSERT INTO u(v) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 100)"
                        + " SELECT zeroblob(60000) FROM c", "INSERT INTO u(v) VALUES(last_insert_rowid())"));
        String a = replay(dir.resolve("a.sqlite"), entries);
        String b = replay(dir.resolve("b.sqlite"), entries);
        assertEquals(a, b);
        assertTrue(a.contains("CREATE TABLE u (id INTEGER PRIMARY KEY, v)"), a);
    }

    private static String replay(Path file, List<List<String>> entries) {
        try (Database d = Database.open(file, 1, SMALL, ReadLimits.DEFAULT)) {
            for (List<String> entry : entries) {
                write(d, entry.toArray(String[]::new));
            }
            StringWriter out = new StringWriter();
            d.dumpSql(out);
            return out.toString();
        }
    }
}

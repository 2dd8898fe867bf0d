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

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseTest {

    static final EntryContext CTX = new EntryContext(1_700_000_000_123L, 42);

    @TempDir
    Path dir;
    Database db;

    @BeforeEach
    void open() {
        db = Database.open(dir.resolve("db.sqlite"), 2);
    }

    @AfterEach
    void close() {
        db.close();
    }

    static List<StatementResult> exec(Database db, String... sql) {
        return db.apply(Arrays.stream(sql).map(Statement::of).toList(), false, false, CTX);
    }

    static QueryResult rows(StatementResult r) {
        return assertInstanceOf(QueryResult.class, r, () -> "got " + r);
    }

    static String error(StatementResult r) {
        return assertInstanceOf(ErrorResult.class, r, () -> "got " + r).error();
    }

    @Test
    void createInsertSelectReportLikeRqlite() {
        List<StatementResult> r = exec(db, "CREATE TABLE foo (id INTEGER NOT NULL PRIMARY KEY, name TEXT)",
                "INSERT INTO foo(name) VALUES(\"fiona\")", "SELECT * FROM foo");
        ExecuteResult create = assertInstanceOf(ExecuteResult.class, r.get(0));
        assertEquals(0, create.lastInsertId());
        assertEquals(0, create.rowsAffected());
        ExecuteResult insert = assertInstanceOf(ExecuteResult.class, r.get(1));
        assertEquals(1, insert.lastInsertId());
        assertEquals(1, insert.rowsAffected());
        QueryResult q = rows(r.get(2));
        assertEquals(List.of("id", "name"), q.columns());
        assertEquals(List.of("integer", "text"), q.types());
        assertEquals(List.of(List.of(1L, "fiona")), q.rows());
        // rqlite's quirk, from SQLite's changes() carrying over: DROP TABLE reports the previous counts,
        // within one entry (each entry starts from zero, see DeterminismTest)
        ExecuteResult drop = assertInstanceOf(ExecuteResult.class,
                exec(db, "INSERT INTO foo(name) VALUES('declan')", "DROP TABLE foo").get(1));
        assertEquals(List.of(2L, 1L), List.of(drop.lastInsertId(), drop.rowsAffected()));
    }

    @Test
    void errorsCarrySqlitesOwnMessage() {
        List<StatementResult> r = exec(db, "INSERT INTO bar(x) VALUES(1)", "INSERT blah blah");
        assertEquals("no such table: bar", error(r.get(0)));
        assertEquals("near \"blah\": syntax error", error(r.get(1)));
    }

    @Test
    void valuesKeepTheirStorageClassAndUndeclaredTypesFollowTheFirstRow() {
        QueryResult q = rows(exec(db, "SELECT 1, 2.5, 'x', x'0102', NULL, COUNT(*), 5000000000").get(0));
        assertEquals(Arrays.asList(1L, 2.5, "x", null, null, 1L, 5000000000L), Arrays.asList(
                q.rows().get(0).get(0), q.rows().get(0).get(1), q.rows().get(0).get(2), null,
                q.rows().get(0).get(4), q.rows().get(0).get(5), q.rows().get(0).get(6)));
        assertArrayEquals(new byte[]{1, 2}, (byte[]) q.rows().get(0).get(3));
        assertEquals(List.of("integer", "real", "text", "blob", "", "integer", "integer"), q.types());
    }

    @Test
    void declaredTypesAreLowerCasedAsWritten() {
        exec(db, "CREATE TABLE t (a VARCHAR(10), b DATETIME, c)");
        QueryResult q = rows(exec(db, "SELECT a, b, c FROM t").get(0));
        assertEquals(List.of("varchar(10)", "datetime", ""), q.types());
        assertTrue(q.rows().isEmpty());
    }

    @Test
    void positionalAndNamedParametersBindAllTypes() {
        exec(db, "CREATE TABLE t (a, b, c, d, e, f)");
        db.apply(List.of(Statement.of("INSERT INTO t VALUES(?, ?, ?, ?, ?, ?)", 7L, 1.5, "s", new byte[]{9}, true, null)),
                false, false, CTX);
        Map<String, Object> named = Map.of("a", 8L, "b", "n", "c", false);
        db.apply(List.of(new Statement("INSERT INTO t(a, b, c) VALUES(:a, @b, $c)", null, named)), false, false, CTX);
        QueryResult q = rows(exec(db, "SELECT a, b, c, e, f FROM t ORDER BY rowid").get(0));
        assertEquals(Arrays.asList(7L, 1.5, "s", 1L, null), q.rows().get(0));
        assertEquals(Arrays.asList(8L, "n", 0L, null, null), q.rows().get(1));
    }

    @Test
    void wrongParameterCountIsAStatementError() {
        List<StatementResult> r = db.apply(List.of(Statement.of("SELECT ?", 1L, 2L)), false, false, CTX);
        assertEquals("sql: expected 1 arguments, got 2", error(r.get(0)));
    }

    @Test
    void withoutTransactionEveryStatementRuns() {
        List<StatementResult> r = exec(db, "CREATE TABLE t (x)", "INSERT INTO nope VALUES(1)", "INSERT INTO t VALUES(1)");
        assertEquals(3, r.size());
        assertInstanceOf(ErrorResult.class, r.get(1));
        assertEquals(1L, rows(exec(db, "SELECT count(*) FROM t").get(0)).rows().get(0).get(0));
    }

    @Test
    void transactionStopsAndRollsBackAtFirstError() {
        exec(db, "CREATE TABLE t (x UNIQUE)");
        List<StatementResult> r = db.apply(List.of(Statement.of("INSERT INTO t VALUES(1)"),
                Statement.of("INSERT INTO t VALUES(1)"), Statement.of("INSERT INTO t VALUES(2)")), true, false, CTX);
        assertEquals(2, r.size());
        assertEquals("UNIQUE constraint failed: t.x", error(r.get(1)));
        assertEquals(0L, rows(exec(db, "SELECT count(*) FROM t").get(0)).rows().get(0).get(0));
        db.apply(List.of(Statement.of("INSERT INTO t VALUES(5)")), true, false, CTX);
        assertEquals(1L, rows(exec(db, "SELECT count(*) FROM t").get(0)).rows().get(0).get(0));
    }

    @Test
    void returningAndRowPragmasGiveRows() {
        exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        QueryResult q = rows(exec(db, "INSERT INTO t(v) VALUES('a') RETURNING id, v").get(0));
        assertEquals(List.of(List.of(1L, "a")), q.rows());
        assertEquals("id", rows(exec(db, "PRAGMA table_info(t)").get(0)).rows().get(0).get(1));
    }

    @Test
    void readOnlyApplyCannotWriteAndIsRestoredAfterwards() {
        exec(db, "CREATE TABLE t (x)");
        List<StatementResult> r = db.apply(List.of(Statement.of("INSERT INTO t VALUES(1)"), Statement.of("SELECT 1")),
                false, true, CTX);
        assertEquals("attempt to change database via query operation", error(r.get(0)));
        assertInstanceOf(QueryResult.class, r.get(1));
        assertInstanceOf(ExecuteResult.class, exec(db, "INSERT INTO t VALUES(1)").get(0));
    }

    @Test
    void emptyStringsAreSkipped() {
        List<StatementResult> r = exec(db, "", "   ", "-- only a comment", "SELECT 1");
        assertEquals(1, r.size());
        assertInstanceOf(QueryResult.class, r.get(0));
    }

    @Test
    void severalStatementsInOneStringAllRunAndTriggerBodiesStayWhole() {
        List<StatementResult> r = exec(db, "CREATE TABLE t (x); CREATE TABLE log (y);"
                + " CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES(new.x); INSERT INTO log VALUES(-new.x); END;"
                + " INSERT INTO t VALUES(3); SELECT count(*) FROM log");
        assertEquals(1, r.size());
        assertEquals(List.of(List.of(2L)), rows(r.get(0)).rows());
        List<StatementResult> p = db.apply(List.of(Statement.of("INSERT INTO t VALUES(?); SELECT 1", 1L)), false, false, CTX);
        assertEquals(StatementRunner.MULTI_WITH_PARAMETERS, error(p.get(0)));
    }

    @Test
    void foreignKeysAreOffAndWalModeIsOn() {
        assertEquals("wal", rows(exec(db, "PRAGMA journal_mode").get(0)).rows().get(0).get(0));
        assertEquals(0L, rows(exec(db, "PRAGMA foreign_keys").get(0)).rows().get(0).get(0));
        assertEquals(0L, rows(exec(db, "PRAGMA synchronous").get(0)).rows().get(0).get(0));
    }

    @Test
    void aFullDiskStopsTheApplyInsteadOfBecomingAStatementError() {
        db.close();
        db = Database.open(dir.resolve("full.sqlite"), 2, new WriteLimits(1_000_000, 1 << 20, 3 * 4096), d -> 0);
        exec(db, "CREATE TABLE t (x)");
        StorageException full = org.junit.jupiter.api.Assertions.assertThrows(StorageException.class,
                () -> exec(db, "INSERT INTO t SELECT randomblob(100000)"));
        assertTrue(full.getMessage().contains("full"), full.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(StorageException.class, () -> db.apply(
                List.of(Statement.of("INSERT INTO t VALUES(1)"), Statement.of("INSERT INTO t SELECT randomblob(100000)")),
                true, false, CTX));
        assertEquals(0L, rows(db.query(List.of(Statement.of("SELECT count(*) FROM t")), false, null).get(0)).rows().get(0).get(0));
    }

    @Test
    void aTransactionAClientLeftOpenIsCommittedAtTheEndOfTheEntry() {
        exec(db, "CREATE TABLE t (x)", "BEGIN", "INSERT INTO t VALUES(1)");
        assertEquals(1L, rows(db.query(List.of(Statement.of("SELECT count(*) FROM t")), false, null).get(0)).rows().get(0).get(0));
    }

    @Test
    void closeIsIdempotent() {
        db.close();
        db.close();
    }
}

package io.raftlite.core.db;

import io.raftlite.core.command.ErrorResult;
import io.raftlite.core.command.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which tables an applied entry counts as changed: only what committed, never a rolled-back write. */
class TableChangesTest {

    private static final EntryContext CTX = new EntryContext(1_700_000_000_000L, 7);

    @TempDir
    Path dir;
    private Database db;

    @BeforeEach
    void open() {
        db = Database.open(dir.resolve("db.sqlite"), 1);
        apply(false, "CREATE TABLE a(id INTEGER PRIMARY KEY, v UNIQUE)", "CREATE TABLE b(id INTEGER PRIMARY KEY, v)",
                "CREATE TABLE w(k TEXT PRIMARY KEY, v) WITHOUT ROWID");
        db.takeChanges();
    }

    @AfterEach
    void close() {
        db.close();
    }

    private TableChanges apply(boolean transaction, String... sql) {
        db.apply(List.of(sql).stream().map(Statement::of).toList(), transaction, false, CTX);
        return db.takeChanges();
    }

    private static TableChanges only(String... tables) {
        return new TableChanges(Set.of(tables), false);
    }

    private static TableChanges every(String... tables) {
        return new TableChanges(Set.of(tables), true);
    }

    @Test
    void aCommittedWriteNamesItsTablesOnly() {
        assertEquals(only("a"), apply(false, "INSERT INTO a(v) VALUES(1)", "SELECT * FROM b"));
        assertEquals(only("a", "b"), apply(true, "UPDATE a SET v = 2", "INSERT INTO b(v) VALUES(1)"));
        assertEquals(TableChanges.NONE, apply(false, "SELECT * FROM a", "UPDATE b SET v = 9 WHERE 0"));
    }

    @Test
    void aRolledBackWriteNamesNothing() {
        apply(false, "INSERT INTO a(v) VALUES(1)");
        // the transaction fails on its second statement and rolls back: b's insert never happened
        assertEquals(TableChanges.NONE, apply(true, "INSERT INTO b(v) VALUES(1)", "INSERT INTO a(v) VALUES(1)"));
        // a failing multi-row insert rolls back alone
        assertEquals(TableChanges.NONE, apply(false, "INSERT INTO a(v) VALUES(5),(1)"));
        // the client's own BEGIN ... ROLLBACK
        assertEquals(TableChanges.NONE, apply(false, "BEGIN", "INSERT INTO b(v) VALUES(2)", "ROLLBACK"));
        assertEquals(only("b"), apply(false, "BEGIN", "INSERT INTO b(v) VALUES(2)", "COMMIT"));
    }

    @Test
    void whatTheUpdateHookCannotSeeCountsAsEveryTable() {
        apply(false, "INSERT INTO a(v) VALUES(1)");
        assertEquals(every("a", "b", "w"), apply(false, "INSERT INTO w VALUES('k', 1)"));
        assertEquals(every("a", "b", "w"), apply(false, "DELETE FROM a")); // the truncate optimisation
        assertEquals(every("a", "b", "w", "c"), apply(false, "CREATE TABLE c(x)"));
        assertEquals(every("a", "b", "w", "c"), apply(false, "ALTER TABLE b ADD COLUMN z"));
        assertEquals(every("a", "w", "c"), apply(false, "DROP TABLE b"));
        apply(false, "INSERT INTO c VALUES(1)");
        assertEquals(every("a", "w", "c", "c2"), apply(false, "CREATE TABLE c2 AS SELECT x FROM c"), "DDL with rows");
        assertEquals(TableChanges.NONE, apply(true, "CREATE TABLE d(x)", "INSERT INTO nope VALUES(1)"));
    }

    @Test
    void aLoadOrRestoreChangesEveryTable() throws Exception {
        assertNull(db.loadSql("CREATE TABLE c(x);\nINSERT INTO c VALUES(1);", CTX));
        assertEquals(every("a", "b", "c", "w"), db.takeChanges());
        assertEquals("no such table: nope", db.loadSql("INSERT INTO a(v) VALUES(3);\nINSERT INTO nope VALUES(1);", CTX));
        assertEquals(TableChanges.NONE, db.takeChanges());

        Path copy = dir.resolve("copy.sqlite");
        db.copyTo(copy);
        db.restoreFrom(copy);
        assertEquals(every("a", "b", "c", "w"), db.takeChanges());
        db.loadDatabase(Files.readAllBytes(copy));
        assertEquals(every("a", "b", "c", "w"), db.takeChanges());
        assertInstanceOf(ErrorResult.class, db.apply(List.of(Statement.of("INSERT INTO raftlite_x VALUES(1)")),
                false, false, CTX).get(0));
        assertEquals(TableChanges.NONE, db.takeChanges());
    }
}

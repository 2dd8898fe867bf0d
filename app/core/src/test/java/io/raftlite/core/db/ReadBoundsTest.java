package io.raftlite.core.db;

import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.raftlite.core.db.DatabaseTest.error;
import static io.raftlite.core.db.DatabaseTest.exec;
import static io.raftlite.core.db.DatabaseTest.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads are bounded in time and memory: connection reset, default timeout, short lane, result budgets. */
class ReadBoundsTest {

    static final String ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

    @TempDir
    Path dir;
    Database db;

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private Database open(ReadLimits limits) {
        db = Database.open(dir.resolve("live.sqlite"), 1, WriteLimits.DEFAULT, limits);
        exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v)");
        return db;
    }

    private List<StatementResult> query(Duration dbTimeout, String... sql) {
        return db.query(java.util.Arrays.stream(sql).map(Statement::of).toList(), false, dbTimeout);
    }

    private long count() {
        return (Long) rows(query(null, "SELECT count(*) FROM t").get(0)).rows().get(0).get(0);
    }

    @Test
    void aTransactionAClientLeavesOpenIsRolledBackBeforeTheConnectionIsReused() throws Exception {
        open(ReadLimits.DEFAULT);
        query(null, "BEGIN; SELECT count(*) FROM t"); // the one pooled connection now holds a read snapshot
        query(null, "SAVEPOINT s");
        exec(db, "INSERT INTO t(v) VALUES (1)");
        assertEquals(1L, count(), "a later read sees the write, not a frozen snapshot");
        Path copy = dir.resolve("copy.sqlite");
        db.copyTo(copy); // VACUUM INTO fails inside a transaction
        assertTrue(Files.size(copy) > 0);
    }

    @Test
    void aReadWithoutDbTimeoutGetsTheDefaultAndALargerOneIsCapped() {
        open(new ReadLimits(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofSeconds(1), 1 << 20, 4 << 20));
        assertEquals(QueryRunner.QUERY_TIMEOUT, error(query(null, ENDLESS).get(0)));
        assertEquals(QueryRunner.QUERY_TIMEOUT, error(query(Duration.ofHours(1), ENDLESS).get(0)));
        assertEquals(List.of(List.of(1L)), rows(query(null, "SELECT 1").get(0)).rows());
    }

    @Test
    void aFinishedReadLeavesNoDeadlineOnItsConnection() throws Exception {
        open(ReadLimits.DEFAULT);
        try (java.sql.Connection conn = ReadConnectionPool.open(dir.resolve("live.sqlite"))) {
            List<StatementResult> quick = QueryRunner.query(conn, List.of(Statement.of("SELECT 1")), false,
                    Duration.ofMillis(20), ResultBudget.of(1 << 20), null);
            assertEquals(List.of(List.of(1L)), rows(quick.get(0)).rows());
            // Run straight on the connection, as its next user would: a query of millions of steps, which outlasts
            // that read's 20 ms, so a handler left behind would interrupt it.
            try (var s = conn.createStatement();
                 var rs = s.executeQuery("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
                         + " WHERE x < 2000000) SELECT count(*) FROM c")) {
                assertTrue(rs.next());
                assertEquals(2_000_000L, rs.getLong(1));
            }
            List<StatementResult> endless = QueryRunner.query(conn, List.of(Statement.of(ENDLESS)), false,
                    Duration.ofMillis(50), ResultBudget.of(1 << 20), null);
            assertEquals(QueryRunner.QUERY_TIMEOUT, error(endless.get(0)));
        }
    }

    @Test
    void aReadWaitingForALockEndsAtItsDeadline() throws Exception {
        // A statement waiting for a lock runs no virtual machine step, so the progress handler never runs. A WAL
        // reader waits only in rare moments (another process recovering the WAL), so the lock here is a rollback
        // journal's: another connection holds the file exclusively. Without the deadline bounding the wait, the
        // read ends after the connection's 5 s busy timeout with "database is locked".
        Path file = dir.resolve("locked.sqlite");
        try (java.sql.Connection locker = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
             var s = locker.createStatement()) {
            s.execute("CREATE TABLE t (v)");
            s.execute("INSERT INTO t VALUES (1)");
            s.execute("BEGIN EXCLUSIVE");
            try (java.sql.Connection conn = ReadConnectionPool.open(file)) {
                long start = System.nanoTime();
                List<StatementResult> r = QueryRunner.query(conn, List.of(Statement.of("SELECT count(*) FROM t"),
                        Statement.of("SELECT 1")), false, Duration.ofMillis(50), ResultBudget.of(1 << 20), null);
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                // not a speed check: a 50 ms deadline against the 5,000 ms the wait lasts without it
                assertTrue(tookMillis < ReadConnectionPool.BUSY_TIMEOUT_MILLIS / 2, "the read waited " + tookMillis + " ms");
                assertEquals(QueryRunner.QUERY_TIMEOUT, error(r.get(0)));
                assertEquals(QueryRunner.QUERY_TIMEOUT, error(r.get(1)));
                // the connection's next user waits for locks as long as before
                assertEquals(ReadConnectionPool.BUSY_TIMEOUT_MILLIS,
                        conn.unwrap(org.sqlite.SQLiteConnection.class).getBusyTimeout());
                s.execute("COMMIT");
                r = QueryRunner.query(conn, List.of(Statement.of("SELECT count(*) FROM t")), false,
                        Duration.ofMillis(50), ResultBudget.of(1 << 20), null);
                assertEquals(List.of(List.of(1L)), rows(r.get(0)).rows());
            }
        }
    }

    @Test
    void aStatementAfterTheDeadlineTimesOutWithoutRunning() {
        open(new ReadLimits(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofSeconds(1), 1 << 20, 4 << 20));
        List<StatementResult> r = query(null, ENDLESS, "SELECT 1");
        assertEquals(QueryRunner.QUERY_TIMEOUT, error(r.get(0)));
        assertEquals(QueryRunner.QUERY_TIMEOUT, error(r.get(1)));
    }

    @Test
    void aShortQueryIsAnsweredWhileEveryPooledConnectionRunsASlowOne() throws Exception {
        open(new ReadLimits(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMillis(200), 1 << 20, 4 << 20));
        CompletableFuture<List<StatementResult>> slow = CompletableFuture.supplyAsync(() -> query(Duration.ofSeconds(4), ENDLESS));
        awaitIdle(0);
        assertEquals(List.of(List.of(1L)), rows(query(null, "SELECT 1").get(0)).rows());
        assertTrue(db.sizeBytes() > 0);
        db.copyTo(dir.resolve("snapshot.sqlite"));
        db.dumpSql(new java.io.StringWriter());
        assertFalse(slow.isDone(), "SELECT 1, the size, a copy and a dump were served while the slow query held the only pooled connection");
        // another slow query: cut on the short lane, then no pooled connection within the wait
        assertThrows(ReadBusyException.class, () -> query(Duration.ofSeconds(30), ENDLESS));
        assertFalse(slow.isDone());
        assertEquals(QueryRunner.QUERY_TIMEOUT, error(slow.get().get(0)));
    }

    private void awaitIdle(int idle) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (db.idleReadConnections() != idle) {
            assertTrue(System.nanoTime() < deadline, "the slow query never took the pooled connection");
            Thread.onSpinWait();
        }
    }

    @Test
    void resultsLargerThanTheBudgetFailPerStatementAndTheRequestGoesOn() {
        open(new ReadLimits(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1), 64 << 10, 256 << 10));
        List<StatementResult> r = query(null, "SELECT randomblob(100000)", "SELECT zeroblob(1000000000)",
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 10000000) SELECT x FROM c",
                "SELECT 2");
        assertEquals("string or blob too big", error(r.get(0)));
        assertEquals("string or blob too big", error(r.get(1)));
        assertEquals("query result too large: more than 65536 bytes", error(r.get(2)));
        assertEquals(List.of(List.of(2L)), rows(r.get(3)).rows());
    }

    @Test
    void aStoredValueLargerThanTheBudgetIsRefusedOnReadButDumpedWhole() throws Exception {
        open(new ReadLimits(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1), 64 << 10, 256 << 10));
        exec(db, "INSERT INTO t(v) VALUES (zeroblob(200000))");
        assertEquals("string or blob too big", error(query(null, "SELECT v FROM t").get(0)));
        java.io.StringWriter out = new java.io.StringWriter();
        db.dumpSql(out);
        assertTrue(out.toString().contains("X'" + "00".repeat(200000) + "'"));
    }

    @Test
    void theNodeWideBudgetRefusesAReadWhileOthersHoldItAndGivesItBackAfterwards() {
        ResultBudget.InFlight node = new ResultBudget.InFlight(1000);
        ResultBudget first = new ResultBudget(800, node);
        assertTrue(first.tryCharge(700));
        ResultBudget second = new ResultBudget(800, node);
        assertThrows(ReadBusyException.class, () -> second.tryCharge(400));
        assertFalse(first.tryCharge(200), "over its own budget: the statement's error, not busy");
        first.close();
        assertTrue(second.tryCharge(400));
        second.close();
        assertEquals(0, node.taken());
    }

    @Test
    void aHoldKeepsTheNodeWideBytesUntilTheResponseIsRendered() {
        ResultBudget.InFlight node = new ResultBudget.InFlight(1000);
        try (ResultHold hold = ResultHold.open()) {
            try (ResultBudget read = new ResultBudget(800, node)) {
                assertTrue(read.tryCharge(700));
            }
            assertEquals(700, node.taken(), "the read returned, its results are not rendered yet");
            assertThrows(ReadBusyException.class, () -> new ResultBudget(800, node).tryCharge(400));
        }
        assertEquals(0, node.taken());
        try (ResultBudget read = new ResultBudget(800, node)) { // no hold: given back when the read returns
            assertTrue(read.tryCharge(700));
        }
        assertEquals(0, node.taken());
    }
}

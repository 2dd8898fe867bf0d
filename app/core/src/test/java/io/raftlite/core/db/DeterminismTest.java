package io.raftlite.core.db;

import io.raftlite.core.command.QueryResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeterminismTest {

    /** 2023-11-14 22:13:20.123 UTC. */
    static final long MILLIS = 1_700_000_000_123L;

    @TempDir
    Path dir;

    record Entry(List<String> sql, EntryContext ctx) {
    }

    static final List<Entry> LOG = List.of(
            new Entry(List.of("CREATE TABLE t (id INTEGER PRIMARY KEY, r, b, now TEXT, s, ts TEXT DEFAULT CURRENT_TIMESTAMP)",
                    "CREATE TABLE audit (what, at, r)",
                    "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO audit VALUES(new.id, datetime('now'), random()); END"),
                    new EntryContext(1_600_000_000_000L, 1)),
            new Entry(List.of("INSERT INTO t(r, b, now, s) VALUES(random(), randomblob(8), datetime('now'), strftime('%s','now'))",
                    "INSERT INTO t(r, b, now, s) VALUES(abs(random()) % 1000, randomblob(3), CURRENT_TIMESTAMP, julianday('now'))"),
                    new EntryContext(MILLIS, 7)),
            new Entry(List.of("INSERT INTO t(r, now, s) VALUES(random(), CURRENT_DATE || ' ' || CURRENT_TIME, unixepoch('now','+1 day'))",
                    "UPDATE t SET b = randomblob(4) WHERE id = 1",
                    "INSERT INTO t(r, now) SELECT random(), strftime('%Y-%m-%d %H:%M:%f', 'now') FROM t ORDER BY random()"),
                    new EntryContext(MILLIS + 86_400_000L, -99)));

    static String replay(Database db) {
        for (Entry e : LOG) {
            db.apply(e.sql().stream().map(Statement::of).toList(), false, false, e.ctx());
        }
        StringWriter out = new StringWriter();
        db.dumpSql(out);
        return out.toString();
    }

    static Object single(Database db, String sql, EntryContext ctx) {
        List<StatementResult> r = db.apply(List.of(Statement.of(sql)), false, false, ctx);
        return assertInstanceOf(QueryResult.class, r.get(0), () -> "got " + r).rows().get(0).get(0);
    }

    @Test
    void replayingOneLogOnTwoDatabasesGivesEqualDumps() throws InterruptedException {
        String a;
        String b;
        try (Database dbA = Database.open(dir.resolve("a.sqlite"), 1)) {
            a = replay(dbA);
        }
        Thread.sleep(1100);
        try (Database dbB = Database.open(dir.resolve("b.sqlite"), 1)) {
            b = replay(dbB);
        }
        assertEquals(a, b);
        assertTrue(a.contains("'2023-11-14 22:13:20'"), a);
        assertTrue(a.contains("X'"), a);
    }

    @Test
    void nowIsTheEntrysTimestamp() {
        EntryContext ctx = new EntryContext(MILLIS, 1);
        try (Database db = Database.open(dir.resolve("d.sqlite"), 1)) {
            assertEquals("2023-11-14 22:13:20", single(db, "SELECT datetime('now')", ctx));
            assertEquals("2023-11-14 22:13:20", single(db, "SELECT CURRENT_TIMESTAMP", ctx));
            assertEquals("2023-11-14", single(db, "SELECT CURRENT_DATE", ctx));
            assertEquals("22:13:20", single(db, "SELECT CURRENT_TIME", ctx));
            assertEquals("2023-11-14", single(db, "SELECT date()", ctx));
            assertEquals("20.123", single(db, "SELECT strftime('%f','now')", ctx));
            assertEquals("1700000000", single(db, "SELECT strftime('%s','NOW')", ctx));
            assertEquals(1_700_000_000L, single(db, "SELECT unixepoch('now')", ctx));
            assertEquals("2023-11-14 22:13:20.123", single(db, "SELECT datetime('now', 'subsec')", ctx));
            assertEquals("2023-11-15 00:00:00", single(db, "SELECT datetime('now', 'start of day', '+1 day')", ctx));
            assertEquals((MILLIS + 210_866_760_000_000L) / 86_400_000.0, single(db, "SELECT julianday('now')", ctx));
            // SQLite itself refuses 'unixepoch' after 'now': the entry's instant must behave the same.
            assertNull(single(db, "SELECT datetime('now', 'unixepoch')", ctx));
            QueryResult real = (QueryResult) db.query(List.of(Statement.of("SELECT datetime('now', 'unixepoch')")), false, null).get(0);
            assertNull(real.rows().get(0).get(0));
            assertEquals("1970-01-01 00:00:10", single(db, "SELECT datetime(10, 'unixepoch')", ctx));
            assertEquals("+0000-00-01 00:00:00.123", single(db, "SELECT timediff('now', datetime('now', '-1 day'))", ctx));
        }
    }

    @Test
    void nowAndTimeZoneModifiersAreRewrittenOnlyWhereSqliteReadsThem() {
        String now = "2023-11-14 22:13:20.123";
        assertEquals(List.of(now), DeterministicFunctions.timeArguments("datetime", List.of(), now));
        assertEquals(List.of(now, "+0 seconds", "start of day", "now"),
                DeterministicFunctions.timeArguments("datetime", List.of("NOW", "localtime", "start of day", "now"), now));
        assertEquals(List.of("%s now", now, "+0 seconds"),
                DeterministicFunctions.timeArguments("strftime", List.of("%s now", "now", "UTC"), now));
        assertEquals(List.of(now, now), DeterministicFunctions.timeArguments("timediff", List.of("now", "now"), now));
        assertEquals(java.util.Arrays.asList(10L, "unixepoch", null),
                DeterministicFunctions.timeArguments("date", java.util.Arrays.asList(10L, "unixepoch", null), now));
    }

    @Test
    void connectionCountersStartAtZeroInEveryEntryAsAfterARestart() {
        try (Database db = Database.open(dir.resolve("c.sqlite"), 1)) {
            EntryContext ctx = new EntryContext(MILLIS, 1);
            db.apply(List.of(Statement.of("CREATE TABLE t (x)"), Statement.of("INSERT INTO t VALUES(1)")), false, false, ctx);
            List<StatementResult> r = db.apply(List.of(Statement.of("SELECT last_insert_rowid(), changes()")), false, false, ctx);
            assertEquals(List.of(0L, 0L), assertInstanceOf(QueryResult.class, r.get(0)).rows().get(0));
            List<StatementResult> same = db.apply(List.of(Statement.of("INSERT INTO t VALUES(2)"),
                    Statement.of("SELECT last_insert_rowid(), changes()")), false, false, ctx);
            assertEquals(List.of(2L, 1L), assertInstanceOf(QueryResult.class, same.get(1)).rows().get(0));
        }
    }

    @Test
    void columnDefaultCurrentTimestampUsesTheEntry() {
        try (Database db = Database.open(dir.resolve("e.sqlite"), 1)) {
            EntryContext ctx = new EntryContext(MILLIS, 1);
            db.apply(List.of(Statement.of("CREATE TABLE t (x, at DEFAULT CURRENT_TIMESTAMP, d DEFAULT (date('now')))"),
                    Statement.of("INSERT INTO t(x) VALUES(1)")), false, false, ctx);
            QueryResult q = (QueryResult) db.query(List.of(Statement.of("SELECT at, d FROM t")), false, null).get(0);
            assertEquals(List.of("2023-11-14 22:13:20", "2023-11-14"), q.rows().get(0));
        }
    }

    @Test
    void randomFollowsTheSeed() {
        try (Database db = Database.open(dir.resolve("r.sqlite"), 1)) {
            Object one = single(db, "SELECT random()", new EntryContext(MILLIS, 1));
            Object oneAgain = single(db, "SELECT random()", new EntryContext(MILLIS, 1));
            Object two = single(db, "SELECT random()", new EntryContext(MILLIS, 2));
            assertEquals(one, oneAgain);
            assertNotEquals(one, two);
            byte[] blob = (byte[]) single(db, "SELECT randomblob(8)", new EntryContext(MILLIS, 1));
            assertEquals(8, blob.length);
            assertEquals(1, ((byte[]) single(db, "SELECT randomblob(0)", new EntryContext(MILLIS, 1))).length);
            assertNotEquals(Arrays.toString(blob),
                    Arrays.toString((byte[]) single(db, "SELECT randomblob(8)", new EntryContext(MILLIS, 3))));
        }
    }

    @Test
    void readsUseTheRealClock() {
        try (Database db = Database.open(dir.resolve("q.sqlite"), 1)) {
            QueryResult q = (QueryResult) db.query(List.of(Statement.of("SELECT strftime('%Y', 'now')")), false, null).get(0);
            assertEquals(String.valueOf(Instant.now().atZone(java.time.ZoneOffset.UTC).getYear()), q.rows().get(0).get(0));
        }
    }
}

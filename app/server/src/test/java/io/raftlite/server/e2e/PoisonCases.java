package io.raftlite.server.e2e;

import io.raftlite.server.e2e.HostileRequest.Answer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Named poison candidates that go through the write path (the Raft log), from issue 12's table and our own:
 * statements that change connection state, the file format or internal tables, unbounded work and memory on
 * apply, and a read endpoint that tries to write. They run on one node ({@link HostileInputIT}) and on three
 * ({@link HostileClusterIT}), where the replicas must end identical. After each case the runner checks that
 * the node is alive and ready and that a write and a read succeed.
 */
final class PoisonCases {

    /** A named case: {@code body} sends its requests through a {@link CaseRun} and records its own checks. */
    record PoisonCase(String name, Body body) {
    }

    interface Body {
        void run(CaseRun run) throws Exception;
    }

    static final String ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT x FROM c";

    private PoisonCases() {
    }

    /**
     * The write-path poison cases, cheapest first, so that on a broken build the later ones still tell something.
     * One long method on purpose: the catalog reads best as one list.
     */
    static List<PoisonCase> writePath() {
        List<PoisonCase> cases = new ArrayList<>();
        cases.add(new PoisonCase("pragma variants that change connection state or the file", PoisonCases::pragmas));
        cases.add(new PoisonCase("table-valued pragma_ forms in writes", run -> {
            for (String p : List.of("pragma_journal_mode('off')", "pragma_locking_mode('exclusive')",
                    "pragma_query_only(1)", "pragma_writable_schema(1)", "pragma_cache_size(-1000000)",
                    "pragma_mmap_size(1000000000)", "pragma_table_info('sqlite_master')")) {
                run.send(HostileRequest.json("/db/execute", array("SELECT * FROM " + p)));
            }
        }));
        cases.add(new PoisonCase("writable_schema + UPDATE sqlite_master", PoisonCases::writableSchema));
        cases.add(new PoisonCase("sqlite_master tricks without writable_schema", run -> {
            for (String sql : List.of("UPDATE sqlite_master SET sql = 'CREATE TABLE x(' WHERE name = 'hp'",
                    "DELETE FROM sqlite_schema", "INSERT INTO sqlite_master VALUES('table','z','z',0,'CREATE TABLE z(')",
                    "DROP TABLE sqlite_master", "CREATE TABLE sqlite_x(a)", "ALTER TABLE sqlite_master RENAME TO m")) {
                run.execute("CREATE TABLE IF NOT EXISTS hp (a)", sql);
            }
            run.refuse(HostileRequest.json("/db/execute", array("PRAGMA schema_version = 1")));
        }));
        cases.add(new PoisonCase("internal table temp.raftlite_counters", run -> {
            for (String sql : List.of("DROP TABLE temp.raftlite_counters", "DELETE FROM temp.raftlite_counters",
                    "INSERT INTO temp.raftlite_counters VALUES (1)", "ALTER TABLE temp.raftlite_counters RENAME TO x",
                    "CREATE TEMP TABLE raftlite_counters (x)", "DROP TABLE raftlite_counters")) {
                run.send(HostileRequest.json("/db/execute", array(sql)));
                run.send(HostileRequest.json("/db/request", array(sql)));
            }
        }));
        cases.add(new PoisonCase("ATTACH, VACUUM INTO, load_extension", PoisonCases::filesOutside));
        cases.add(new PoisonCase("transaction control left open in writes", run -> {
            for (String[] sql : List.of(new String[]{"BEGIN"}, new String[]{"BEGIN", "INSERT INTO hp VALUES (1)"},
                    new String[]{"SAVEPOINT s"}, new String[]{"COMMIT"}, new String[]{"ROLLBACK"},
                    new String[]{"BEGIN EXCLUSIVE"}, new String[]{"RELEASE s"})) {
                run.execute(sql);
            }
        }));
        cases.add(new PoisonCase("strong-read writes (a read endpoint must never write)", PoisonCases::readEndpointWrites));
        cases.add(new PoisonCase("triggers that loop", run -> {
            run.execute("CREATE TABLE IF NOT EXISTS tg (x)", "CREATE TABLE IF NOT EXISTS tg_sink (n)",
                    "CREATE TRIGGER IF NOT EXISTS tg_self AFTER INSERT ON tg BEGIN "
                            + "INSERT INTO tg VALUES (new.x + 1); INSERT INTO tg VALUES (new.x + 1); END",
                    "PRAGMA recursive_triggers = ON", "INSERT INTO tg VALUES (1)");
            run.send(HostileRequest.json("/db/execute", array("CREATE TABLE IF NOT EXISTS tg2 (x)",
                    "CREATE TRIGGER IF NOT EXISTS tg_endless AFTER INSERT ON tg2 BEGIN "
                            + "INSERT INTO tg_sink SELECT count(*) FROM (" + ENDLESS + "); END",
                    "INSERT INTO tg2 VALUES (1)")), CaseRun.TIMEOUT.multipliedBy(2));
            run.execute("DROP TRIGGER IF EXISTS tg_endless", "DROP TRIGGER IF EXISTS tg_self",
                    "PRAGMA recursive_triggers = OFF");
        }));
        cases.add(new PoisonCase("endless recursive-CTE INSERT ... SELECT", run -> {
            run.send(HostileRequest.json("/db/execute", array("CREATE TABLE IF NOT EXISTS cte_sink (n)",
                    "INSERT INTO cte_sink SELECT count(*) FROM (" + ENDLESS + ")")), CaseRun.TIMEOUT.multipliedBy(2));
            run.send(HostileRequest.json("/db/request", array("UPDATE cte_sink SET n = (SELECT count(*) FROM ("
                    + ENDLESS + "))")), CaseRun.TIMEOUT.multipliedBy(2));
        }));
        cases.add(new PoisonCase("huge randomblob/zeroblob evaluated on apply", run -> {
            run.execute("SELECT randomblob(100000000)");
            run.send(HostileRequest.json("/db/request", array("SELECT zeroblob(1000000000)")));
            run.execute("CREATE TABLE IF NOT EXISTS zb (b)", "INSERT INTO zb VALUES (zeroblob(50000000))");
            run.execute("DELETE FROM zb");
        }));
        cases.add(new PoisonCase("poison through /db/load", run -> {
            for (String dump : List.of("PRAGMA writable_schema=ON;\nUPDATE sqlite_master SET sql='CREATE TABLE hp(' "
                    + "WHERE name='hp';\n", "PRAGMA locking_mode=EXCLUSIVE;\n", "ATTACH '"
                    + run.scratch.resolve("load-attach.db") + "' AS a;\nCREATE TABLE a.t (x);\n",
                    "DROP TABLE temp.raftlite_counters;\n", "SELECT randomblob(100000000);\n")) {
                run.send(new HostileRequest("POST", "/db/load", dump.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        java.util.Map.of("Content-Type", "text/plain")));
            }
            run.expect(!Files.exists(run.scratch.resolve("load-attach.db")), "/db/load created a file through ATTACH");
        }));
        return cases;
    }

    private static void pragmas(CaseRun run) throws InterruptedException {
        // refused by issue 12 (they change the connection, the journal or the file format on every replica)
        for (String p : List.of("writable_schema=ON", "main.writable_schema = 1", "WRITABLE_SCHEMA(1)",
                "locking_mode=EXCLUSIVE", "main.locking_mode = exclusive", "query_only=1", "query_only(ON)",
                "journal_mode=OFF", "journal_mode=DELETE", "journal_mode=MEMORY", "synchronous=OFF", "temp_store=MEMORY",
                "temp_store_directory='/tmp'", "mmap_size=268435456", "page_size=512", "cache_size=-1000000",
                "wal_autocheckpoint=0", "wal_checkpoint(TRUNCATE)", "max_page_count=1")) {
            run.refuse(HostileRequest.json("/db/execute", array("PRAGMA " + p)));
        }
        run.refuse(HostileRequest.json("/db/execute", array("/* a comment */ PRAGMA/**/writable_schema\n=\tON")));
        run.refuse(HostileRequest.json("/db/request", array("PRAGMA locking_mode=EXCLUSIVE")));
        // whatever the allow-list decides about these, none may break the node
        for (String p : List.of("soft_heap_limit=1", "hard_heap_limit=1", "threads=8", "auto_vacuum=FULL",
                "secure_delete=ON", "cell_size_check=ON", "ignore_check_constraints=ON", "trusted_schema=ON",
                "legacy_alter_table=ON", "reverse_unordered_selects=ON", "busy_timeout=0", "shrink_memory",
                "optimize", "incremental_vacuum", "foreign_keys=ON", "defer_foreign_keys=ON", "user_version=7",
                "automatic_index=OFF", "count_changes=ON", "case_sensitive_like=ON", "data_store_directory='/tmp'")) {
            run.send(HostileRequest.json("/db/execute", array("PRAGMA " + p)));
        }
        run.execute("PRAGMA foreign_keys=OFF", "PRAGMA ignore_check_constraints=OFF", "PRAGMA reverse_unordered_selects=OFF",
                "PRAGMA legacy_alter_table=OFF", "PRAGMA case_sensitive_like=OFF", "PRAGMA count_changes=OFF");
    }

    private static void writableSchema(CaseRun run) throws InterruptedException {
        run.succeed(HostileRequest.json("/db/execute", array("CREATE TABLE IF NOT EXISTS ws (a)", "INSERT INTO ws VALUES (1)")));
        run.refuse(HostileRequest.json("/db/execute", array("PRAGMA writable_schema=ON",
                "UPDATE sqlite_master SET sql='CREATE TABLE ws(' WHERE name='ws'")));
        run.refuse(HostileRequest.json("/db/execute", array("PRAGMA writable_schema=ON",
                "INSERT INTO sqlite_master VALUES('table','wz','wz',0,'CREATE TABLE wz(')")));
        run.refuse(HostileRequest.json("/db/request", array("PRAGMA writable_schema=1",
                "DELETE FROM sqlite_schema WHERE name='ws'")));
        Answer read = run.query("weak", "SELECT count(*) FROM ws");
        run.expect(read.clean() && read.bodyPreview().contains("[[1]]"),
                "the schema of ws was changed through sqlite_master: SELECT count(*) FROM ws -> " + read);
    }

    private static void filesOutside(CaseRun run) throws InterruptedException {
        String attached = run.scratch.resolve("evil.db").toString();
        String copy = run.scratch.resolve("copy.db").toString();
        run.refuse(HostileRequest.json("/db/execute", array("ATTACH DATABASE '" + attached + "' AS evil",
                "CREATE TABLE evil.t (x)")));
        run.refuse(HostileRequest.json("/db/execute", array("ATTACH ':memory:' AS m")));
        run.refuse(HostileRequest.json("/db/request", array("/* x */ attach 'file:" + attached + "?mode=rwc' as y")));
        run.refuse(HostileRequest.json("/db/execute", array("VACUUM INTO '" + copy + "'")));
        run.refuse(HostileRequest.json("/db/execute", array("SELECT load_extension('/lib/x86_64-linux-gnu/libc.so.6')")));
        run.send(HostileRequest.get("/db/query?q=" + FuzzRequests.encode("ATTACH '" + attached + "' AS r")));
        run.send(HostileRequest.get("/db/query?q=" + FuzzRequests.encode("VACUUM INTO '" + copy + "'")));
        run.send(HostileRequest.json("/db/execute", array("VACUUM")));
        run.expect(!Files.exists(Path.of(attached)), "a statement created " + attached);
        run.expect(!Files.exists(Path.of(copy)), "a statement created " + copy);
    }

    private static void readEndpointWrites(CaseRun run) throws InterruptedException {
        run.succeed(HostileRequest.json("/db/execute", array("CREATE TABLE IF NOT EXISTS foo (id INTEGER PRIMARY KEY, name TEXT)",
                "DELETE FROM foo")));
        for (String level : List.of("strong", "linearizable", "weak", "none")) {
            run.send(HostileRequest.json("/db/query?level=" + level, array("PRAGMA query_only=0",
                    "INSERT INTO foo(name) VALUES('x')")));
            run.send(HostileRequest.json("/db/query?level=" + level, array("WITH a AS (SELECT 1) INSERT INTO foo(name) "
                    + "SELECT 'y' FROM a")));
            run.send(HostileRequest.json("/db/query?level=" + level, array("DROP TABLE foo")));
        }
        Answer rows = run.query("strong", "SELECT count(*) FROM foo");
        run.expect(rows.clean() && rows.bodyPreview().contains("[[0]]"),
                "a read endpoint wrote (or dropped foo): SELECT count(*) FROM foo -> " + rows);
    }

    /** A JSON array of SQL strings. */
    static String array(String... sql) {
        StringBuilder sb = new StringBuilder("[");
        for (String s : sql) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
                    .replace("\t", "\\t")).append('"');
        }
        return sb.append(']').toString();
    }
}

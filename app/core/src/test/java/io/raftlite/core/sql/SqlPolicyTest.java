package io.raftlite.core.sql;

import io.raftlite.core.command.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlPolicyTest {

    static Optional<String> refusal(String... sql) {
        return SqlPolicy.refusal(java.util.Arrays.stream(sql).map(Statement::of).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "PRAGMA journal_mode=DELETE", "pragma JOURNAL_MODE = wal", "PRAGMA main.journal_mode=DELETE",
            "PRAGMA journal_mode(DELETE)", "  PRAGMA synchronous=FULL", "PRAGMA main.synchronous = 0",
            "PRAGMA wal_autocheckpoint=0", "PRAGMA wal_checkpoint", "PRAGMA main.wal_checkpoint(TRUNCATE)",
            "PRAGMA \"journal_mode\" = OFF", "/* c */ PRAGMA -- c\n journal_mode = OFF",
            "SELECT 1; PRAGMA synchronous=OFF", "PRAGMA max_page_count = 3", "SELECT * FROM pragma_journal_mode('delete')",
            "SELECT * FROM pragma_journal_mode()", "SELECT * FROM main.pragma_journal_mode WHERE arg = 'off'",
            "PRAGMA writable_schema=ON", "PRAGMA writable_schema", "PRAGMA locking_mode=EXCLUSIVE", "PRAGMA query_only=0",
            "PRAGMA query_only(0)", "PRAGMA temp_store=2", "PRAGMA temp_store_directory='/tmp'", "PRAGMA mmap_size=1",
            "PRAGMA page_size=512", "PRAGMA cache_size=1", "PRAGMA cache_spill=0", "PRAGMA optimize",
            "PRAGMA case_sensitive_like=1", "PRAGMA schema_version=9", "PRAGMA data_store_directory='/'",
            "EXPLAIN PRAGMA writable_schema=1", "PRAGMA foreign_keys ON", "PRAGMA no_such_pragma",
            "CREATE VIEW v AS SELECT * FROM pragma_query_only", "SELECT * FROM \"pragma_locking_mode\"('exclusive')"})
    void breakingPragmasAreDisallowed(String sql) {
        assertEquals(Optional.of("disallowed pragma"), refusal("SELECT 1", sql));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "PRAGMA journal_mode", "PRAGMA synchronous", "PRAGMA table_info(foo)", "PRAGMA foreign_keys=ON",
            "SELECT 'PRAGMA journal_mode=DELETE'", "-- PRAGMA journal_mode=DELETE\nSELECT 1",
            "SELECT \"load_extension\" FROM t", "SELECT 'ATTACH x'", "INSERT INTO t VALUES('VACUUM INTO ''x''')",
            "/* ATTACH 'a' AS b */ SELECT 1", "SELECT * FROM pragma_table_info('t')", "VACUUM", "PRAGMA user_version = 7",
            "PRAGMA main.table_info(t)", "PRAGMA defer_foreign_keys=1", "PRAGMA recursive_triggers = OFF",
            "PRAGMA integrity_check", "PRAGMA quick_check(10)", "PRAGMA index_list('t')", "PRAGMA compile_options",
            "SELECT name FROM sqlite_master", "INSERT INTO t SELECT sql FROM sqlite_schema", "CREATE TABLE temp_x (a)",
            "SELECT x.temp FROM x"})
    void harmlessStatementsPass(String sql) {
        assertEquals(Optional.empty(), refusal(sql));
    }

    @Test
    void attachLoadExtensionAndVacuumIntoAreRefused() {
        assertEquals(Optional.of("ATTACH and DETACH are not allowed"), refusal("ATTACH DATABASE 'x.db' AS x"));
        assertEquals(Optional.of("ATTACH and DETACH are not allowed"), refusal("detach x"));
        assertEquals(Optional.of("ATTACH and DETACH are not allowed"), refusal("CREATE TABLE a(x); ATTACH 'x' AS y"));
        assertEquals(Optional.of("load_extension is not allowed"), refusal("SELECT load_extension('/tmp/x.so')"));
        assertEquals(Optional.of("load_extension is not allowed"), refusal("SELECT LOAD_EXTENSION ('/tmp/x.so')"));
        assertEquals(Optional.of("VACUUM INTO is not allowed"), refusal("VACUUM INTO '/etc/x'"));
        assertEquals(Optional.of("VACUUM INTO is not allowed"), refusal("vacuum main into '/tmp/x'"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE TEMP TABLE x (a)", "create temporary trigger tr after insert on t begin select 1; end",
            "CREATE TABLE temp.x (a)", "DROP TABLE \"temp\".raftlite_counters", "INSERT INTO Temp . x VALUES(1)",
            "DROP TABLE raftlite_counters", "SELECT * FROM raftlite_anything", "UPDATE sqlite_master SET sql = ''",
            "INSERT INTO main.sqlite_schema VALUES(1)", "DELETE FROM sqlite_temp_master", "UPDATE OR REPLACE sqlite_schema SET x=1",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM sqlite_master; END", "SELECT * FROM sqlite_dbpage",
            "SELECT readfile('/etc/passwd')", "SELECT writefile('/tmp/x', 'y')", "SELECT FTS3_TOKENIZER('simple')"})
    void outOfReachObjectsAndFileFunctionsAreRefused(String sql) {
        assertTrue(refusal(sql).isPresent(), sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM foo", "select 1;", "VALUES (1), (2)", "WITH x AS (SELECT 1) SELECT * FROM x",
            "EXPLAIN QUERY PLAN SELECT * FROM foo", "PRAGMA table_info(foo)", "PRAGMA main.index_list('foo')",
            "PRAGMA user_version", "SELECT 'DELETE FROM foo'", "SELECT 1; SELECT 2", "  -- hi\n SELECT 1",
            "PRAGMA foreign_keys", "SELECT * FROM pragma_index_list('t')"})
    void readsAreReadOnly(String sql) {
        assertTrue(SqlPolicy.isReadOnly(sql), sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "INSERT INTO foo VALUES(1)", "UPDATE foo SET x=1", "DELETE FROM foo", "CREATE TABLE t (x)",
            "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", "WITH d AS (DELETE FROM t RETURNING *) SELECT 1",
            "PRAGMA user_version=3", "PRAGMA optimize", "PRAGMA wal_checkpoint", "PRAGMA journal_mode=WAL",
            "EXPLAIN INSERT INTO t VALUES(1)", "SELECT 1; DELETE FROM foo", "", "-- nothing", "BEGIN",
            "REPLACE INTO t VALUES(1)", "SELECT load_extension('x')", "PRAGMA foreign_keys=ON", "PRAGMA locking_mode"})
    void writesAndUnknownsAreNotReadOnly(String sql) {
        assertFalse(SqlPolicy.isReadOnly(sql), sql);
    }

    @Test
    void splitterKeepsLiteralsCommentsAndTriggerBodiesWhole() {
        assertEquals(List.of("SELECT 'a;b'", "SELECT \"c;d\"", "SELECT [e;f]"),
                StatementSplitter.split("SELECT 'a;b'; SELECT \"c;d\";SELECT [e;f] -- g;\n; ;"));
        String trigger = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET x = CASE WHEN new.x > 0 THEN 1 ELSE 2 END;"
                + " INSERT INTO log VALUES('END;'); END";
        assertEquals(List.of(trigger, "SELECT 1"), StatementSplitter.split(trigger + "; SELECT 1"));
        assertEquals(List.of("CREATE TEMP TRIGGER x BEFORE DELETE ON t BEGIN SELECT 1; END"),
                StatementSplitter.split("CREATE TEMP TRIGGER x BEFORE DELETE ON t BEGIN SELECT 1; END;"));
        assertEquals(List.of("BEGIN", "COMMIT"), StatementSplitter.split("BEGIN; COMMIT;"));
        assertEquals(List.of("SELECT 1 /* ; */ + 1"), StatementSplitter.split("SELECT 1 /* ; */ + 1"));
        assertEquals(List.of(), StatementSplitter.split(" ; -- x\n /* y */ "));
    }

    @Test
    void lexerUnquotesAndClassifies() {
        List<SqlToken> t = SqlLexer.tokenize("SELECT 'it''s', \"a\"\"b\", `c`, [d e], x'0aFF', 1.5e-3, :n, @m, $o, ?2, ? <> 0x1F");
        assertEquals(SqlToken.Kind.STRING, t.get(1).kind());
        assertEquals("it's", t.get(1).text());
        assertEquals("a\"b", t.get(3).text());
        assertEquals(SqlToken.Kind.QUOTED_ID, t.get(5).kind());
        assertEquals("d e", t.get(7).text());
        assertEquals(SqlToken.Kind.BLOB, t.get(9).kind());
        assertEquals("1.5e-3", t.get(11).text());
        assertEquals(List.of(":n", "@m", "$o", "?2", "?"), t.stream()
                .filter(x -> x.kind() == SqlToken.Kind.PARAM).map(SqlToken::text).toList());
        assertEquals("<>", t.get(t.size() - 2).text());
        assertEquals(SqlToken.Kind.NUMBER, t.get(t.size() - 1).kind());
        assertEquals(List.of(), SqlLexer.tokenize("-- only\n/* comments */"));
        assertEquals("unterminated", SqlLexer.tokenize("SELECT 'unterminated").get(1).text());
    }
}

package io.raftlite.core.db;

import io.raftlite.core.command.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.raftlite.core.db.DatabaseTest.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code fmt=sql} of values larger than memory allows: written in chunks, exactly as {@code quote()} writes them. */
class LargeValueDumpTest {

    @TempDir
    Path dir;

    /** Writes rows straight into a database file, as a node would have stored them. */
    private static void store(Path file, String... sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             java.sql.Statement s = c.createStatement()) {
            for (String one : sql) {
                s.execute(one);
            }
        }
    }

    @Test
    void valuesSpanningSeveralChunksRoundTripThroughTheDump() throws Exception {
        Path file = dir.resolve("src.sqlite");
        int chars = 2 * SqlDumper.CHUNK + 12345;
        store(file, "CREATE TABLE t (id INTEGER PRIMARY KEY, v)",
                "CREATE TABLE k (a TEXT, b, PRIMARY KEY (a)) WITHOUT ROWID",
                // text with a quote and a two-byte character, so chunk edges fall inside both
                "INSERT INTO t(v) VALUES (substr(replace(hex(zeroblob(" + chars + ")), '00', 'é''x'), 1, " + chars + "))",
                "INSERT INTO t(v) VALUES (randomblob(" + (SqlDumper.CHUNK * 5 / 2) + ")), (NULL), ('small')",
                "INSERT INTO k VALUES ('key''1', randomblob(" + (SqlDumper.CHUNK + 1) + "))");
        String dump;
        try (Database db = Database.open(file, 1)) {
            StringWriter out = new StringWriter();
            db.dumpSql(out);
            dump = out.toString();
            Path copyFile = dir.resolve("copy.sqlite");
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copyFile)) {
                org.sqlite.core.DB raw = ((org.sqlite.SQLiteConnection) c).getDatabase();
                raw.limit(org.sqlite.SQLiteLimits.SQLITE_LIMIT_SQL_LENGTH.getId(), 1_000_000_000); // the sqlite3 shell's limit
                raw._exec(dump); // as the sqlite3 shell runs a script
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             java.sql.Statement s = c.createStatement()) {
            s.execute("ATTACH '" + dir.resolve("copy.sqlite") + "' AS c");
            String same = "SELECT count(*) FROM main.t x JOIN c.t y USING (id) WHERE x.v IS y.v AND typeof(x.v) = typeof(y.v)"
                    + " UNION ALL SELECT count(*) FROM main.k x JOIN c.k y USING (a) WHERE x.b IS y.b";
            List<Integer> counts = new java.util.ArrayList<>();
            try (java.sql.ResultSet rs = s.executeQuery(same)) {
                while (rs.next()) {
                    counts.add(rs.getInt(1));
                }
            }
            assertEquals(List.of(4, 1), counts, "rows equal in the original and the copy made from the dump");
        }
        assertTrue(dump.contains("INSERT INTO \"t\" VALUES(3,NULL);"), dump.substring(0, 200));
    }

    @Test
    void aDumpOfValuesLargerThanTheHeapWorksInASmallJvm() throws Exception {
        Path file = dir.resolve("big.sqlite");
        int blob = 40 << 20;
        int text = 20 << 20;
        store(file, "CREATE TABLE t (v)", "INSERT INTO t VALUES (zeroblob(" + blob + "))",
                "INSERT INTO t VALUES (hex(zeroblob(" + text / 2 + ")))");
        Path out = dir.resolve("dump.sql");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                DumpToFile.class.getName(), file.toString(), out.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), output);
        assertEquals(0, p.exitValue(), output);
        // X'' around 2 hex digits per byte, '' around the text, the statements around both
        long expected = 2L * blob + text;
        assertTrue(Files.size(out) > expected && Files.size(out) < expected + 1000, Files.size(out) + " bytes");
        try (InputStream in = Files.newInputStream(out)) {
            String head = new String(in.readNBytes(200), StandardCharsets.UTF_8);
            assertTrue(head.contains("CREATE TABLE t (v);\nINSERT INTO \"t\" VALUES(X'0000"), head);
        }
    }

    /** Run in a forked JVM: dumps a database file to a file. */
    public static final class DumpToFile {
        public static void main(String[] args) throws IOException {
            try (Database db = Database.open(Path.of(args[0]), 1);
                 Writer w = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
                db.dumpSql(w);
            }
        }
    }
}

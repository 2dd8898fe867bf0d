package io.raftlite.server.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rqlite's documented examples, byte for byte, against the real jar; and hostile input, which must get a
 * 4xx (or rqlite's 200-with-error), never a 5xx.
 */
class HttpContractIT {

    private static Path tmp;
    private static NodeProcess node;

    @BeforeAll
    static void startNode() throws Exception {
        tmp = Files.createTempDirectory("raftlite-contract");
        node = NodeProcess.start("127.0.0.33", tmp.resolve("d1"));
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    private static String q(String sql) {
        return URLEncoder.encode(sql, StandardCharsets.UTF_8);
    }

    private static void expect(HttpResponse<String> r, String body) {
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(body, r.body());
    }

    @Test
    void theDocumentedExamplesAnswerExactlyAsRqliteDoes() throws Exception {
        expect(node.post("/db/execute", "[\"CREATE TABLE foo (id INTEGER NOT NULL PRIMARY KEY, name TEXT)\"]"),
                "{\"results\":[{}]}");
        expect(node.post("/db/execute", "[\"INSERT INTO foo(name) VALUES(\\\"fiona\\\")\"]"),
                "{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1}]}");
        expect(node.post("/db/execute", "[\"INSERT INTO bar(name) VALUES(\\\"fiona\\\")\"]"),
                "{\"results\":[{\"error\":\"no such table: bar\"}]}");
        expect(node.post("/db/execute", "[\"INSERT blah blah\"]"),
                "{\"results\":[{\"error\":\"near \\\"blah\\\": syntax error\"}]}");
        expect(node.get("/db/query?q=" + q("SELECT * FROM foo")),
                "{\"results\":[{\"columns\":[\"id\",\"name\"],\"types\":[\"integer\",\"text\"],\"values\":[[1,\"fiona\"]]}]}");
        expect(node.get("/db/query?q=" + q("SELECT * FROM foo WHERE id > 100")),
                "{\"results\":[{\"columns\":[\"id\",\"name\"],\"types\":[\"integer\",\"text\"]}]}");
        expect(node.post("/db/execute", "[\"PRAGMA journal_mode=DELETE\"]"),
                "{\"results\":[],\"error\":\"disallowed pragma\"}");
    }

    @Test
    void parametersTransactionsAndTheUnifiedEndpoint() throws Exception {
        expect(node.post("/db/execute", "[\"CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, age INTEGER)\"]"),
                "{\"results\":[{}]}");
        expect(node.post("/db/execute", "[[\"INSERT INTO people(name, age) VALUES(?, ?)\", \"fiona\", 20]]"),
                "{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1}]}");
        expect(node.post("/db/execute", "[[\"INSERT INTO people(name, age) VALUES(:name, :age)\", {\"name\": \"declan\", \"age\": 25}]]"),
                "{\"results\":[{\"last_insert_id\":2,\"rows_affected\":1}]}");
        // a transaction stops and rolls back at the first error
        expect(node.post("/db/execute?transaction", "[\"INSERT INTO people(name) VALUES('x')\", \"INSERT INTO nope VALUES(1)\", \"INSERT INTO people(name) VALUES('y')\"]"),
                "{\"results\":[{\"last_insert_id\":3,\"rows_affected\":1},{\"error\":\"no such table: nope\"}]}");
        expect(node.get("/db/query?q=" + q("SELECT COUNT(*) AS n FROM people")),
                "{\"results\":[{\"columns\":[\"n\"],\"types\":[\"integer\"],\"values\":[[2]]}]}");
        expect(node.get("/db/query?associative&q=" + q("SELECT name FROM people WHERE id = 1")),
                "{\"results\":[{\"types\":{\"name\":\"text\"},\"rows\":[{\"name\":\"fiona\"}]}]}");
        // the rolled-back row 3 left no trace: SQLite hands out rowid 3 again
        HttpResponse<String> unified = node.post("/db/request?associative",
                "[\"INSERT INTO people(name, age) VALUES('sinead', 30)\", \"SELECT name FROM people WHERE age = 30\", \"SELECT * FROM bar\"]");
        expect(unified, "{\"results\":[{\"last_insert_id\":3,\"rows_affected\":1,\"rows\":null},"
                + "{\"types\":{\"name\":\"text\"},\"rows\":[{\"name\":\"sinead\"}]},{\"error\":\"no such table: bar\"}]}");
        HttpResponse<String> indexed = node.post("/db/execute?raft_index", "[\"UPDATE people SET age = 21 WHERE id = 1\"]");
        assertTrue(indexed.body().matches("\\{\"results\":\\[\\{\"last_insert_id\":4,\"rows_affected\":1}],\"raft_index\":\\d+}")
                || indexed.body().matches("\\{\"results\":\\[\\{\"rows_affected\":1}],\"raft_index\":\\d+}"), indexed.body());
        for (String level : new String[]{"none", "weak", "strong", "linearizable", "auto", "bogus"}) {
            expect(node.get("/db/query?level=" + level + "&q=" + q("SELECT age FROM people WHERE id = 1")),
                    "{\"results\":[{\"columns\":[\"age\"],\"types\":[\"integer\"],\"values\":[[21]]}]}");
        }
        HttpResponse<String> text = node.send("POST", "/db/query", "SELECT name FROM people WHERE id = 2"
                .getBytes(StandardCharsets.UTF_8), "text/plain");
        expect(text, "{\"results\":[{\"columns\":[\"name\"],\"types\":[\"text\"],\"values\":[[\"declan\"]]}]}");
        // reads cannot write, whatever the level
        HttpResponse<String> sneaky = node.get("/db/query?q=" + q("DELETE FROM people"));
        assertTrue(sneaky.body().contains("\"error\""), sneaky.body());
        expect(node.get("/db/query?q=" + q("SELECT COUNT(*) FROM people")),
                "{\"results\":[{\"columns\":[\"COUNT(*)\"],\"types\":[\"integer\"],\"values\":[[3]]}]}");
    }

    @Test
    void blobsTimingsAndPrettyOutput() throws Exception {
        expect(node.post("/db/execute", "[\"CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)\", "
                + "[\"INSERT INTO blobs(data) VALUES(?)\", \"x'0102ff'\"], [\"INSERT INTO blobs(data) VALUES(?)\", [1, 2, 255]]]"),
                "{\"results\":[{},{\"last_insert_id\":1,\"rows_affected\":1},{\"last_insert_id\":2,\"rows_affected\":1}]}");
        expect(node.get("/db/query?q=" + q("SELECT data, typeof(data) FROM blobs")),
                "{\"results\":[{\"columns\":[\"data\",\"typeof(data)\"],\"types\":[\"blob\",\"text\"],"
                        + "\"values\":[[\"AQL/\",\"blob\"],[\"AQL/\",\"blob\"]]}]}");
        expect(node.get("/db/query?blob_array&q=" + q("SELECT data FROM blobs WHERE id = 1")),
                "{\"results\":[{\"columns\":[\"data\"],\"types\":[\"blob\"],\"values\":[[[1,2,255]]]}]}");
        String timed = node.get("/db/query?timings&q=" + q("SELECT 1")).body();
        assertTrue(timed.matches("\\{\"results\":\\[\\{.*\"time\":[0-9.e-]+}],\"time\":[0-9.e-]+}"), timed);
        String pretty = node.get("/db/query?pretty&q=" + q("SELECT 1 AS one")).body();
        assertEquals("{\n    \"results\": [\n        {\n            \"columns\": [\n                \"one\"\n            ],\n"
                + "            \"types\": [\n                \"integer\"\n            ],\n            \"values\": [\n"
                + "                [\n                    1\n                ]\n            ]\n        }\n    ]\n}", pretty);
    }

    @Test
    void queuedWritesAnswerWithASequenceNumberAndWaitFlushes() throws Exception {
        expect(node.post("/db/execute", "[\"CREATE TABLE q (v INTEGER)\"]"), "{\"results\":[{}]}");
        HttpResponse<String> r = node.post("/db/execute?queue", "[\"INSERT INTO q VALUES (1)\"]");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().matches("^\\{\"results\":\\[],\"sequence_number\":\\d+}$"), r.body());
        HttpResponse<String> waited = node.post("/db/execute?queue&wait", "[\"INSERT INTO q VALUES (2)\"]");
        assertTrue(waited.body().matches("^\\{\"results\":\\[],\"sequence_number\":\\d+}$"), waited.body());
        expect(node.get("/db/query?q=" + q("SELECT SUM(v) FROM q")),
                "{\"results\":[{\"columns\":[\"SUM(v)\"],\"types\":[\"integer\"],\"values\":[[3]]}]}");
    }

    @Test
    void backupAndLoadRoundTrip() throws Exception {
        expect(node.post("/db/execute", "[\"CREATE TABLE b (v TEXT)\", \"INSERT INTO b VALUES ('kept')\"]"),
                "{\"results\":[{},{\"last_insert_id\":1,\"rows_affected\":1}]}");
        HttpResponse<byte[]> binary = node.getBytes("/db/backup");
        assertEquals(200, binary.statusCode());
        assertEquals("SQLite format 3", new String(binary.body(), 0, 15, StandardCharsets.US_ASCII));
        HttpResponse<byte[]> sql = node.getBytes("/db/backup?fmt=sql");
        String dump = new String(sql.body(), StandardCharsets.UTF_8);
        assertTrue(dump.contains("CREATE TABLE b (v TEXT);") && dump.contains("INSERT INTO \"b\" VALUES('kept');"), dump);
        HttpResponse<byte[]> gz = node.getBytes("/db/backup?fmt=sql&compress");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
            assertArrayEquals(sql.body(), in.readAllBytes());
        }
        expect(node.post("/db/execute", "[\"DELETE FROM b\"]"), "{\"results\":[{\"rows_affected\":1}]}");
        HttpResponse<String> loaded = node.send("POST", "/db/load", binary.body(), "application/octet-stream");
        assertEquals(200, loaded.statusCode(), loaded.body());
        expect(node.get("/db/query?q=" + q("SELECT v FROM b")),
                "{\"results\":[{\"columns\":[\"v\"],\"types\":[\"text\"],\"values\":[[\"kept\"]]}]}");
        // a SQL dump is applied all or nothing: this one clashes with the existing table half-way. As rqlite
        // (the text runs as one statement), the answer is one execute result: the failing statement's error,
        String dumpLoad = "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE fresh (v TEXT);\n"
                + "INSERT INTO fresh VALUES('new');\nCREATE TABLE b (v TEXT);\nCOMMIT;\n";
        HttpResponse<String> clash = node.send("POST", "/db/load", dumpLoad.getBytes(StandardCharsets.UTF_8), "text/plain");
        // or the counters after the last statement
        expect(clash, "{\"results\":[{\"error\":\"table b already exists\"}]}");
        expect(node.get("/db/query?q=" + q("SELECT name FROM sqlite_master WHERE name = 'fresh'")),
                "{\"results\":[{\"columns\":[\"name\"],\"types\":[\"text\"]}]}");
        HttpResponse<String> good = node.send("POST", "/db/load",
                dumpLoad.replace("CREATE TABLE b (v TEXT);\n", "").getBytes(StandardCharsets.UTF_8), "text/plain");
        expect(good, "{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1}]}");
        expect(node.get("/db/query?q=" + q("SELECT v FROM fresh")),
                "{\"results\":[{\"columns\":[\"v\"],\"types\":[\"text\"],\"values\":[[\"new\"]]}]}");
        HttpResponse<String> garbage = node.send("POST", "/db/load",
                "SQLite format 3\0 but not really a database".getBytes(StandardCharsets.UTF_8), "application/octet-stream");
        assertEquals(400, garbage.statusCode(), garbage.body());
        expect(node.get("/db/query?q=" + q("SELECT v FROM b")),
                "{\"results\":[{\"columns\":[\"v\"],\"types\":[\"text\"],\"values\":[[\"kept\"]]}]}");
    }

    @Test
    void diagnosticsEndpoints() throws Exception {
        HttpResponse<String> ready = node.get("/readyz");
        assertEquals(200, ready.statusCode());
        assertEquals("[+]node ok\n[+]leader ok\n[+]store ok", ready.body());
        assertEquals("[+]node ok", node.get("/readyz?noleader").body());
        String status = node.get("/status").body();
        assertTrue(status.contains("\"state\":\"Leader\"") && status.contains("\"db_size\""), status);
        String nodes = node.get("/nodes?ver=2").body();
        assertTrue(nodes.startsWith("{\"nodes\":[{\"id\":\"") && nodes.contains("\"leader\":true"), nodes);
        assertEquals(200, node.send("OPTIONS", "/db/execute", new byte[0], null).statusCode());
        String leader = node.get("/leader").body();
        assertTrue(leader.contains("\"api_addr\":\"http://127.0.0.33:" + node.httpPort + "\""), leader);
    }

    @Test
    void badInputGetsAClearFourHundredAndNothingIsApplied() throws Exception {
        assertStatus(400, node.post("/db/execute", "[\"CREATE TABLE x (v)\""));
        assertStatus(400, node.post("/db/execute", "{\"sql\": \"CREATE TABLE x (v)\"}"));
        assertStatus(400, node.post("/db/execute", ""));
        assertStatus(400, node.post("/db/execute", "[]"));
        assertStatus(400, node.post("/db/execute", "[1, 2]"));
        assertStatus(400, node.post("/db/execute", "[[\"INSERT INTO x VALUES (?)\", {\"a\": [1, {}]}]]"));
        assertStatus(400, node.post("/db/execute", "[".repeat(100_000)));
        assertStatus(400, node.send("POST", "/db/execute", new byte[]{'[', '"', (byte) 0xC3, (byte) 0x28, '"', ']'},
                "application/json"));
        assertStatus(400, node.post("/db/execute?nosuchparam", "[\"CREATE TABLE x (v)\"]"));
        assertStatus(400, node.post("/db/execute?timeout=soon", "[\"CREATE TABLE x (v)\"]"));
        assertStatus(400, node.get("/db/query"));
        assertStatus(413, node.send("POST", "/db/execute", new byte[9 * 1024 * 1024], "application/json"));
        assertStatus(404, node.get("/nothing/here"));
        assertStatus(405, node.get("/db/execute"));
        // none of the above created anything
        expect(node.get("/db/query?q=" + q("SELECT name FROM sqlite_master WHERE name = 'x'")),
                "{\"results\":[{\"columns\":[\"name\"],\"types\":[\"text\"]}]}");
        HttpResponse<String> attach = node.post("/db/execute", "[\"ATTACH DATABASE '/tmp/evil.db' AS evil\"]");
        assertEquals(200, attach.statusCode());
        assertTrue(attach.body().startsWith("{\"results\":[],\"error\":"), attach.body());
    }

    /**
     * Bodies up to the 2 MiB default are one Raft entry each (every Ratis size limit follows the largest body);
     * beyond, a clear 413. Three values of about 700 KB (each under the 1 MiB value limit) fill it exactly.
     */
    @Test
    void aBodyUpToTheLimitIsAnsweredAndOneThatEncodesLargerIsA413() throws Exception {
        assertEquals(200, node.post("/db/execute", "[\"CREATE TABLE big (v TEXT)\"]").statusCode());
        int limit = 2 << 20;
        String prefix = "[[\"INSERT INTO big VALUES (?)\",\"";
        String insert = "[\"INSERT INTO big VALUES (?)\",\"";
        int chars = limit - 4 - 3 * (insert.length() + 2);
        int third = chars / 3;
        String largest = "[" + insert + "a".repeat(third) + "\"]," + insert + "b".repeat(third) + "\"],"
                + insert + "c".repeat(chars - 2 * third) + "\"]]";
        assertEquals(limit, largest.length());
        HttpResponse<String> ok = node.post("/db/execute", largest);
        assertEquals(200, ok.statusCode(), ok.body());
        assertFalse(ok.body().contains("error"), ok.body());
        expect(node.get("/db/query?q=" + q("SELECT sum(length(v)) FROM big")),
                "{\"results\":[{\"columns\":[\"sum(length(v))\"],\"types\":[\"integer\"],\"values\":[["
                        + chars + "]]}]}");
        // under the limit as JSON, but 15,000 tiny statements take 6 bytes more each once encoded (90 KB, past
        // the command's 64 KiB headroom); fewer than the body budget's statement charge refuses on its own
        String tail = ",\"SELECT 1\"".repeat(15_000) + "]";
        String grows = prefix + "a".repeat(limit - prefix.length() - 2 - tail.length()) + "\"]" + tail;
        HttpResponse<String> refused = node.post("/db/execute", grows);
        assertEquals(413, refused.statusCode(), refused.body());
        assertTrue(refused.body().startsWith("request too large: it encodes to "), refused.body());
    }

    private static void assertStatus(int expected, HttpResponse<String> r) {
        assertEquals(expected, r.statusCode(), r.body());
        assertTrue(r.body().length() < 200 && !r.body().contains("Exception"), "short plain reason: " + r.body());
    }
}

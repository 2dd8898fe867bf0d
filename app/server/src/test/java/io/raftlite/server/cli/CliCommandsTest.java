package io.raftlite.server.cli;

import io.raftlite.core.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client commands against {@link StubNode}: what they send, what they print, and the exit code a script sees. */
class CliCommandsTest {

    private static final String ROWS = "{\"results\":[{\"columns\":[\"id\",\"name\",\"v\"],\"types\":[\"integer\",\"text\",\"real\"],"
            + "\"values\":[[1,\"fiona\",2.5],[22,null,-1]]}]}";

    @TempDir
    Path tmp;

    private StubNode node;

    @BeforeEach
    void start() throws Exception {
        node = new StubNode();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void queryPrintsRowsAsATableAndSendsTheStatementWithTypedParameters() throws Exception {
        node.reply(StubNode.Reply.json(ROWS));
        StubNode.Run run = node.run("query", "SELECT * FROM foo WHERE id > ? AND name <> ? AND x = ?", "0", "fiona",
                "\"42\"");
        assertEquals(0, run.code(), run.err());
        assertEquals("""
                +----+-------+-----+
                | id | name  | v   |
                +----+-------+-----+
                | 1  | fiona | 2.5 |
                | 22 |       | -1  |
                +----+-------+-----+
                """, run.out());
        StubNode.Request sent = node.requests.get(0);
        assertEquals("POST /db/query", sent.method() + " " + sent.uri());
        assertEquals("application/json", sent.contentType());
        assertEquals(List.of(List.of("SELECT * FROM foo WHERE id > ? AND name <> ? AND x = ?", 0L, "fiona", "42")),
                Json.parse(sent.body()));
    }

    @Test
    void jsonPrintsTheNodesAnswerAsItCame() {
        node.reply(StubNode.Reply.json(ROWS));
        StubNode.Run run = node.run("query", "-json", "SELECT 1");
        assertEquals(0, run.code());
        assertEquals(ROWS + "\n", run.out());
    }

    @Test
    void execReportsRowsAffectedAndAStatementErrorExitsOne() {
        node.reply(StubNode.Reply.json("{\"results\":[{\"last_insert_id\":7,\"rows_affected\":1}]}"));
        StubNode.Run ok = node.run("exec", "INSERT INTO foo(name) VALUES(?)", "-5");
        assertEquals(0, ok.code(), ok.err());
        assertEquals("1 row affected (last insert id 7)\n", ok.out());
        assertEquals("POST /db/execute", node.requests.get(0).method() + " " + node.requests.get(0).uri());
        assertEquals("[[\"INSERT INTO foo(name) VALUES(?)\",-5]]", node.requests.get(0).text(), "-5 is a parameter");

        node.reply(StubNode.Reply.json("{\"results\":[{\"error\":\"no such table: nope\"}]}"));
        StubNode.Run failed = node.run("exec", "INSERT INTO nope VALUES(1)");
        assertEquals(1, failed.code());
        assertEquals("error: no such table: nope\n", failed.err());
        node.reply(StubNode.Reply.json("{\"results\":[{\"error\":\"near x\"}]}"));
        assertEquals(1, node.run("query", "-json", "x").code(), "-json keeps the exit code");
    }

    @Test
    void usageErrorsExitTwoAndSendNothing() {
        assertEquals(2, node.run("query").code(), "no SQL");
        assertEquals(2, node.run("query", "-bogus", "SELECT 1").code());
        assertEquals(2, node.run("query", "-tables", "a", "SELECT 1").code(), "a watch flag on query");
        assertEquals(2, node.run("status", "extra").code());
        assertEquals(2, node.run("query", "-timeout", "soon", "SELECT 1").code());
        assertEquals(2, node.run("backup").code());
        assertEquals(2, node.run("restore", tmp.resolve("missing.sqlite").toString()).code());
        assertEquals(2, node.run("query", "-http-cert", "c.pem", "SELECT 1").code(), "a certificate without its key");
        assertTrue(node.requests.isEmpty(), "nothing was sent");
        StubNode.Run help = node.run("query", "-h");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("exit codes: 0 ok, 1 "), help.out());
    }

    @Test
    void httpFailuresExitThreeAndRefusalsExitFour() {
        node.reply(new StubNode.Reply(401, "unauthorized: unknown user or wrong password", Map.of()));
        StubNode.Run refused = node.run("status");
        assertEquals(4, refused.code());
        assertTrue(refused.err().contains("HTTP 401: unauthorized"), refused.err());
        node.reply(new StubNode.Reply(403, "forbidden", Map.of()));
        assertEquals(4, node.run("query", "SELECT 1").code());
        node.reply(new StubNode.Reply(503, "leader not found", Map.of()));
        assertEquals(3, node.run("exec", "DELETE FROM foo").code());
        node.reply(StubNode.Reply.json("not json"));
        assertEquals(3, node.run("query", "SELECT 1").code());
        StubNode.Run nobody = StubNode.runAlone("status", "-H", "127.0.19.3:9");
        assertEquals(3, nobody.code());
        assertTrue(nobody.err().contains("cannot reach http://127.0.19.3:9"), nobody.err());
    }

    @Test
    void thePasswordComesFromTheEnvironmentOrThePromptAndNeverFromArgv() {
        node.reply(StubNode.Reply.json("{\"store\":{}}"));
        assertEquals(0, node.run(Map.of("RAFTLITE_PASSWORD", "s3cret"), q -> null, "status", "-u", "bob").code());
        assertEquals(basic("bob:s3cret"), node.requests.get(0).authorization());

        String[] asked = new String[1];
        assertEquals(0, node.run(Map.of(), q -> {
            asked[0] = q;
            return "typed";
        }, "status", "-u", "mary").code());
        assertEquals("password for mary: ", asked[0]);
        assertEquals(basic("mary:typed"), node.requests.get(1).authorization());

        StubNode.Run onArgv = node.run("status", "-u", "bob:s3cret");
        assertEquals(2, onArgv.code());
        assertTrue(onArgv.err().contains("RAFTLITE_PASSWORD") && !onArgv.err().contains("s3cret"), onArgv.err());
        StubNode.Run noTerminal = node.run("status", "-u", "bob");
        assertEquals(2, noTerminal.code(), "no env and no terminal");
        assertEquals(2, node.requests.size(), "neither was sent");
        node.run("status");
        assertEquals(null, node.requests.get(2).authorization(), "credentials only with -u");
    }

    @Test
    void statusSummarisesTheNodesStatus() {
        node.reply(StubNode.Reply.json("{\"build\":{\"version\":\"0.1.0\"},\"http\":{\"adv_addr\":\"http://h:4001\","
                + "\"auth\":\"enabled\",\"tls\":{\"enabled\":false}},\"store\":{\"node_id\":\"n1\",\"addr\":\"h:4002\","
                + "\"ready\":true,\"leader\":{\"node_id\":\"n2\",\"addr\":\"h2:4002\"},\"raft\":{\"state\":\"Follower\","
                + "\"term\":3,\"applied_index\":42,\"commit_index\":42,\"snapshot_index\":0},\"nodes\":[{\"id\":\"n1\","
                + "\"voter\":true},{\"id\":\"r1\",\"voter\":false}]}}"));
        StubNode.Run run = node.run("status");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("state:         Follower, ready true"), run.out());
        assertTrue(run.out().contains("leader:        n2 (h2:4002)"), run.out());
        assertTrue(run.out().contains("applied index: 42"), run.out());
        assertTrue(run.out().contains("members:       2: n1, r1 (non-voter)"), run.out());
        assertEquals("GET /status", node.requests.get(0).method() + " " + node.requests.get(0).uri());
    }

    @Test
    void backupWritesTheWholeFileAndRestoreSendsItWithTheRightType() throws Exception {
        String sqlite = "SQLite format 3\0 and pages";
        node.reply(new StubNode.Reply(200, sqlite, Map.of()));
        Path file = tmp.resolve("bak.sqlite");
        assertEquals(0, node.run("backup", file.toString()).code());
        assertArrayEquals(sqlite.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(file));
        assertEquals("GET /db/backup", node.requests.get(0).method() + " " + node.requests.get(0).uri());
        assertEquals(1, Files.list(tmp).count(), "no temporary file left");

        node.reply(StubNode.Reply.json("{\"results\":[]}"));
        StubNode.Run restored = node.run("restore", file.toString());
        assertEquals(0, restored.code(), restored.err());
        assertEquals("application/octet-stream", node.requests.get(1).contentType());
        Path dump = tmp.resolve("dump.sql");
        Files.writeString(dump, "CREATE TABLE t (x);\n");
        node.reply(StubNode.Reply.json("{\"results\":[{\"error\":\"table t already exists\"}]}"));
        StubNode.Run refused = node.run("restore", dump.toString());
        assertEquals(1, refused.code());
        assertEquals("text/plain", node.requests.get(2).contentType());
        assertEquals("POST /db/load", node.requests.get(2).method() + " " + node.requests.get(2).uri());

        node.reply(new StubNode.Reply(500, "boom", Map.of()));
        assertEquals(3, node.run("backup", file.toString()).code());
        assertArrayEquals(sqlite.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(file), "the old backup stays");
        assertFalse(Files.list(tmp).anyMatch(p -> p.toString().endsWith(".part")));
    }

    private static String basic(String userPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8));
    }
}

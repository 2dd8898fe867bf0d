package io.raftlite.server.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code raftlite watch} against a stub that follows issue 15's spec of {@code GET /db/watch} (the endpoint is built
 * on another branch), and the shell's line handling without a terminal.
 */
class WatchAndShellTest {

    private StubNode node;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private CliIo io;

    @BeforeEach
    void start() throws Exception {
        node = new StubNode();
        io = new CliIo(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), q -> null);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private NodeClient client() throws CliException {
        return NodeClient.from(CliArgs.parse(List.of("-H", node.address())), io);
    }

    @Test
    void watchLoopsWithTheReturnedIndexAndPrintsOneLinePerChange() throws Exception {
        node.reply(StubNode.Reply.json("{\"index\":5,\"tables\":[]}"), // index 0: the current index, at once
                StubNode.Reply.json("{\"index\":5,\"tables\":[]}"), // a wait that ended without a change
                new StubNode.Reply(503, "too many watchers", Map.of("Retry-After", "2")),
                StubNode.Reply.json("{\"index\":9,\"tables\":[\"a\",\"b\"]}"),
                StubNode.Reply.json("{\"index\":12,\"tables\":[\"b\"]}"));
        List<Duration> pauses = new ArrayList<>();
        int code = WatchCommand.loop(client(), "a,b", Duration.ofSeconds(30), false, io, pauses::add, 2);
        assertEquals(0, code);
        assertEquals("9 a,b\n12 b\n", out.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(Duration.ofSeconds(2)), pauses, "the 503's Retry-After, and no other pause");
        List<String> uris = node.requests.stream().map(StubNode.Request::uri).toList();
        assertEquals(List.of("/db/watch?index=0&wait=30s&tables=a,b", "/db/watch?index=5&wait=30s&tables=a,b",
                "/db/watch?index=5&wait=30s&tables=a,b", "/db/watch?index=5&wait=30s&tables=a,b",
                "/db/watch?index=9&wait=30s&tables=a,b"), uris);
    }

    @Test
    void aWatchThatLostItsNodeRetriesWithTheSameIndexButAWrongNodeFailsAtOnce() throws Exception {
        node.reply(StubNode.Reply.json("{\"index\":5,\"tables\":[]}"),
                new StubNode.Reply(502, "bad gateway", Map.of()),
                new StubNode.Reply(500, "restarting", Map.of()),
                StubNode.Reply.json("{\"index\":6,\"tables\":[\"a\"]}"));
        List<Duration> pauses = new ArrayList<>();
        assertEquals(0, WatchCommand.loop(client(), "", Duration.ofSeconds(5), false, io, pauses::add, 1));
        assertEquals("6 a\n", out.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), pauses, "backing off");
        assertEquals(List.of("/db/watch?index=0&wait=5s", "/db/watch?index=5&wait=5s", "/db/watch?index=5&wait=5s",
                "/db/watch?index=5&wait=5s"), node.requests.stream().map(StubNode.Request::uri).toList());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("retrying"));

        node.reply(new StubNode.Reply(500, "down", Map.of()));
        assertEquals(3, node.run("watch").code(), "no retry before the first answer");
        node.reply(new StubNode.Reply(401, "unauthorized", Map.of()));
        assertEquals(4, node.run("watch").code());
    }

    @Test
    void watchOnceStopsAtTheFirstChangeAndJsonPrintsTheAnswer() throws Exception {
        node.reply(StubNode.Reply.json("{\"index\":3,\"tables\":[]}"), StubNode.Reply.json("{\"index\":4,\"tables\":[\"s\"]}"));
        StubNode.Run run = node.run("watch", "-once", "-json");
        assertEquals(0, run.code(), run.err());
        assertEquals("{\"index\":4,\"tables\":[\"s\"]}\n", run.out());
        assertEquals("/db/watch?index=3&wait=60s", node.requests.get(1).uri(), "no tables: any table");
        assertEquals(2, node.run("watch", "-tables", "a;b").code());
        node.reply(new StubNode.Reply(404, "", Map.of()));
        assertEquals(3, node.run("watch").code(), "a node without /db/watch");
    }

    @Test
    void shellSendsReadsToQueryWritesToExecuteAndRunsDotCommands() throws Exception {
        ShellCommands shell = new ShellCommands(client(), io);
        node.reply(StubNode.Reply.json("{\"results\":[{\"columns\":[\"name\"],\"values\":[[\"foo\"]]}]}"));
        assertEquals(0, shell.handle("  select name from foo;"));
        assertEquals(0, shell.handle("INSERT INTO foo VALUES(1)"));
        assertEquals(0, shell.handle("WITH x AS (SELECT 1) SELECT * FROM x"));
        assertEquals(0, shell.handle(".tables"));
        assertEquals(0, shell.handle(""));
        assertEquals(List.of("/db/query", "/db/execute", "/db/request", "/db/query"),
                node.requests.stream().map(StubNode.Request::uri).toList());
        assertEquals("[[\"select name from foo\"]]", node.requests.get(0).text(), "the trailing ; dropped");
        assertTrue(node.requests.get(3).text().contains("sqlite_master"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("| foo  |"), out.toString(StandardCharsets.UTF_8));

        node.reply(StubNode.Reply.json("{\"results\":[{\"error\":\"no such table: nope\"}]}"));
        assertEquals(1, shell.handle("SELECT * FROM nope"));
        assertEquals(2, shell.handle(".frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("error: no such table: nope"));
        assertEquals(ShellCommands.EXIT, shell.handle(".exit"));
        assertEquals(ShellCommands.EXIT, shell.handle(".QUIT"));
        assertEquals(0, shell.handle(".help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains(".schema"));
    }

    @Test
    void stepdownPostsToLeaderWithTheIdOrAnEmptyBody() throws Exception {
        ShellCommands shell = new ShellCommands(client(), io);
        node.reply(new StubNode.Reply(200, "", Map.of()));
        assertEquals(0, shell.handle(".stepdown n2"));
        assertEquals(0, shell.handle(".stepdown"));
        assertEquals(List.of("POST /leader", "POST /leader"),
                node.requests.stream().map(r -> r.method() + " " + r.uri()).toList());
        assertEquals("{\"id\":\"n2\"}", node.requests.get(0).text());
        assertEquals("", node.requests.get(1).text());
        node.reply(new StubNode.Reply(404, "node n9 is not a voter", Map.of()));
        assertEquals(Exit.UNREACHABLE, shell.handle(".stepdown n9"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("node n9 is not a voter"), err.toString());
    }

    @Test
    void snapshotAndReapPostAndReapPrintsRqlitesLine() throws Exception {
        ShellCommands shell = new ShellCommands(client(), io);
        node.reply(new StubNode.Reply(200, "", Map.of()), new StubNode.Reply(204, "", Map.of()),
                StubNode.Reply.json("{\"snapshots_reaped\":1,\"wals_checkpointed\":0}\n"));
        assertEquals(0, shell.handle(".snapshot 100"));
        assertEquals(0, shell.handle(".snapshot"));
        assertEquals(0, shell.handle(".reap"));
        assertEquals(List.of("POST /snapshot?trailing_logs=100", "POST /snapshot", "POST /reap"),
                node.requests.stream().map(r -> r.method() + " " + r.uri()).toList());
        assertEquals("snapshots reaped: 1, WALs checkpointed: 0\n", out.toString(StandardCharsets.UTF_8));
        assertEquals(Exit.USAGE, shell.handle(".snapshot many"));
    }

    @Test
    void parametersAreJsonScalarsOrText() {
        assertEquals(42L, SqlCommand.param("42"));
        assertEquals(2.5, SqlCommand.param("2.5"));
        assertEquals("42", SqlCommand.param("\"42\""));
        assertEquals("fiona", SqlCommand.param("fiona"));
        assertEquals("007", SqlCommand.param("007"));
        assertEquals(Boolean.TRUE, SqlCommand.param("true"));
        assertEquals(null, SqlCommand.param("null"));
        assertEquals("[1]", SqlCommand.param("[1]"));
    }
}

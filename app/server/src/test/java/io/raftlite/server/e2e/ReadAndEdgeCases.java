package io.raftlite.server.e2e;

import io.raftlite.server.e2e.HostileRequest.Answer;
import io.raftlite.server.e2e.PoisonCases.PoisonCase;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.raftlite.server.e2e.PoisonCases.ENDLESS;
import static io.raftlite.server.e2e.PoisonCases.array;

/**
 * Named cases of one node's read path and HTTP edge (issue 12's table and our own): memory a read or a body
 * needs, reads that run forever or leave a transaction open, pragmas on the read connections, bad encodings,
 * near-limit bodies in parallel and connections that never finish their headers.
 */
final class ReadAndEdgeCases {

    /** A short answer (SELECT 1, /readyz, /status) must come within this even while every read connection is busy. */
    private static final Duration PROMPT = Duration.ofSeconds(10);
    private static final int MAX_BODY = 8 * 1024 * 1024;

    private ReadAndEdgeCases() {
    }

    /** The catalog; one long method on purpose, it reads best as one list. */
    static List<PoisonCase> all() {
        List<PoisonCase> cases = new ArrayList<>();
        cases.add(new PoisonCase("pragmas on the read connections", run -> {
            for (String p : List.of("locking_mode=EXCLUSIVE", "query_only=0", "writable_schema=ON", "cache_size=-1000000",
                    "mmap_size=1000000000", "temp_store=MEMORY", "journal_mode=DELETE", "busy_timeout=0")) {
                for (int i = 0; i < 8; i++) { // every pooled read connection
                    run.query("none", "PRAGMA " + p);
                }
            }
            for (String p : List.of("pragma_journal_mode('off')", "pragma_locking_mode('exclusive')",
                    "pragma_query_only(0)", "pragma_writable_schema(1)")) {
                run.query("none", "SELECT * FROM " + p);
            }
        }));
        cases.add(new PoisonCase("BEGIN left open in reads x8", run -> {
            for (String sql : List.of("BEGIN", "BEGIN", "BEGIN", "BEGIN", "BEGIN IMMEDIATE", "BEGIN", "SAVEPOINT s", "BEGIN")) {
                run.query("none", sql);
            }
            Answer backup = run.send(HostileRequest.get("/db/backup"));
            run.expect(backup.status() == 200, "/db/backup after reads left transactions open -> " + backup);
        }));
        cases.add(new PoisonCase("8 endless reads, then SELECT 1 / readyz / status answer", ReadAndEdgeCases::endlessReads));
        cases.add(new PoisonCase("huge blobs in reads", run -> {
            run.query("none", "SELECT randomblob(100000000)");
            run.query("weak", "SELECT zeroblob(1000000000)");
            run.send(HostileRequest.json("/db/request", array("SELECT randomblob(100000000)")));
        }));
        cases.add(new PoisonCase("1M-row and 10M-row reads stream or fail clearly", run -> {
            Answer million = run.send(HostileRequest.get("/db/query?level=none&q=" + FuzzRequests.encode(
                    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 1000000) SELECT x FROM c")),
                    CaseRun.TIMEOUT.multipliedBy(2));
            run.expect(million.status() == 200, "a 1M-row SELECT must work or give a clear error -> " + million);
            run.send(HostileRequest.get("/db/query?level=none&q=" + FuzzRequests.encode("WITH RECURSIVE c(x) AS "
                    + "(SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 10000000) SELECT x, 'padding padding' FROM c")),
                    CaseRun.TIMEOUT.multipliedBy(4));
        }));
        cases.add(new PoisonCase("a 30 MB row read back and dumped", run -> {
            // a value over -db-max-value-size (1 MiB) is refused clearly on every replica; the largest allowed one
            // must read back and dump with the heap the node has
            Answer huge = run.execute("CREATE TABLE IF NOT EXISTS big (b)", "DELETE FROM big",
                    "INSERT INTO big VALUES (zeroblob(30000000))");
            run.expect(huge.clean() || (huge.status() == 200 && huge.bodyPreview().contains("string or blob too big")),
                    "a 30 MB value must be stored or refused with 'string or blob too big' -> " + huge);
            run.succeed(HostileRequest.json("/db/execute", array("DELETE FROM big",
                    "INSERT INTO big VALUES (randomblob(1000000))")));
            for (int i = 0; i < 4; i++) {
                Answer read = run.query("none", "SELECT b FROM big");
                run.expect(read.clean() && read.bodyBytes() > 1_300_000, "SELECT of a 1 MB row must work -> " + read);
            }
            Answer dump = run.send(HostileRequest.get("/db/backup?fmt=sql"), CaseRun.TIMEOUT.multipliedBy(2));
            run.expect(dump.status() == 200 && dump.bodyBytes() > 2_000_000, "fmt=sql with a 1 MB row must work -> " + dump);
            run.send(HostileRequest.get("/db/backup"));
            run.execute("DELETE FROM big", "VACUUM");
        }));
        cases.add(new PoisonCase("deep JSON", run -> {
            for (String endpoint : List.of("/db/execute", "/db/query", "/db/request")) {
                run.refuse(HostileRequest.json(endpoint, "[".repeat(100_000) + "]".repeat(100_000)));
                run.refuse(HostileRequest.json(endpoint, "[[\"SELECT ?\"," + "{\"a\":".repeat(50_000) + "1"
                        + "}".repeat(50_000) + "]]"));
            }
        }));
        cases.add(new PoisonCase("4 MB [{},{},...]", run -> {
            String body = "[" + "{},".repeat(4 * 1024 * 1024 / 3) + "{}]";
            for (String endpoint : List.of("/db/execute", "/db/query", "/db/request")) {
                run.refuse(HostileRequest.json(endpoint, body));
            }
            run.send(HostileRequest.json("/db/execute", "[" + "\"SELECT 1\",".repeat(300_000) + "\"SELECT 1\"]"));
        }));
        cases.add(new PoisonCase("Content-Encoding: gzip with a plain body", run -> {
            for (String endpoint : List.of("/db/execute", "/db/query", "/db/request", "/db/load")) {
                Answer a = run.send(HostileRequest.json(endpoint, array("SELECT 1")).with("Content-Encoding", "gzip"));
                run.expect(!a.answered() || a.serverError() || (a.status() >= 400 && a.status() < 500),
                        "a body that is not gzip under Content-Encoding: gzip must be a 4xx -> " + a);
                HostileRequest real = new HostileRequest("POST", endpoint, FuzzRequests.gzip(array("SELECT 1")
                        .getBytes(StandardCharsets.UTF_8)), Map.of("Content-Type", "application/json",
                        "Content-Encoding", "gzip"));
                run.send(real);
                run.send(HostileRequest.json(endpoint, array("SELECT 1")).with("Content-Encoding", "br"));
            }
        }));
        cases.add(new PoisonCase("near-limit bodies, one then 12 in parallel", ReadAndEdgeCases::nearLimitBodies));
        cases.add(new PoisonCase("300 connections with partial headers", ReadAndEdgeCases::partialHeaders));
        cases.add(new PoisonCase("tiny statements by the ten thousand, alone and 8 at a time", ReadAndEdgeCases::manyStatements));
        return cases;
    }

    private static void endlessReads(CaseRun run) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Answer>> endless = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                endless.add(pool.submit(() -> run.send(HostileRequest.get("/db/query?level=none&q="
                        + FuzzRequests.encode("SELECT count(*) FROM (" + ENDLESS + ")")), Duration.ofSeconds(120))));
            }
            // probes over a few rounds, so that most of them are sent while the endless reads hold the connections
            boolean prompt = true;
            for (int round = 0; round < 5 && prompt; round++) { // one round of hangs says it all
                for (HostileRequest probe : List.of(HostileRequest.get("/db/query?level=none&q=SELECT%201"),
                        HostileRequest.get("/readyz"), HostileRequest.get("/status"), HostileRequest.get("/metrics"))) {
                    Answer a = run.send(probe, PROMPT);
                    boolean ok = a.status() == 200 || (probe.path().equals("/metrics") && a.status() == 404);
                    run.expect(ok, "while 8 endless reads run: " + probe.describe() + " -> " + a);
                    prompt &= ok;
                }
            }
            Answer backup = run.send(HostileRequest.get("/db/backup"), PROMPT.multipliedBy(3));
            run.expect(backup.status() == 200, "/db/backup while 8 endless reads run -> " + backup);
            for (Future<Answer> f : endless) {
                Answer a = f.get();
                run.expect(a.answered(), "an endless read was not ended by a default db_timeout within 120 s");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void nearLimitBodies(CaseRun run) throws Exception {
        String head = "[[\"SELECT length(?)\",\"";
        String tail = "\"]]";
        String body = head + "a".repeat(MAX_BODY - 4096 - head.length() - tail.length()) + tail;
        HostileRequest near = HostileRequest.json("/db/query?level=none", body);
        Answer one = run.send(near);
        run.expect(one.answered() && !one.serverError(), "one body just under the limit must get an answer -> " + one);
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<Answer>> parallel = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                HostileRequest r = i % 2 == 0 ? near : HostileRequest.json("/db/execute", "[[\"SELECT length(?)\",\""
                        + "b".repeat(MAX_BODY - 8192) + "\"]]");
                parallel.add(pool.submit(() -> run.send(r)));
            }
            for (Future<Answer> f : parallel) {
                Answer a = f.get();
                run.expect(a.status() == 200 || a.status() == 413 || a.status() == 429
                                || (a.status() == 503 && a.retryAfter() != null),
                        "12 near-limit bodies in parallel: 200, 413, or 429/503 with Retry-After, got " + a);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void partialHeaders(CaseRun run) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                Socket s = new Socket(run.target.host, run.target.httpPort);
                OutputStream out = s.getOutputStream();
                out.write(("POST /db/execute HTTP/1.1\r\nHost: x\r\nContent-Le").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                sockets.add(s);
            }
            for (HostileRequest probe : List.of(HostileRequest.get("/readyz"),
                    HostileRequest.get("/db/query?level=none&q=SELECT%201"))) {
                Answer a = run.send(probe, PROMPT);
                run.expect(a.status() == 200, "with 300 half-open requests: " + probe.describe() + " -> " + a);
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /**
     * Statements cost far more heap than their bytes: one 720 KB body of 60,000 {@code SELECT 1}, or 8 bodies of
     * 15,000 at once, used to end the node (OutOfMemoryError) on every data endpoint, and so did a 1.8 MB SQL
     * dump of 200,000 statements. Each is now answered: 413 for what can never fit the body budget, 200 or 503
     * with Retry-After for the rest.
     */
    private static void manyStatements(CaseRun run) throws Exception {
        List<String> endpoints = List.of("/db/execute", "/db/query?level=none", "/db/query?level=strong",
                "/db/request", "/db/execute?queue");
        String huge = array(java.util.Collections.nCopies(60_000, "SELECT 1").toArray(String[]::new));
        for (String endpoint : endpoints) {
            Answer a = run.send(HostileRequest.json(endpoint, huge));
            run.expect(a.status() == 413, "60,000 statements in one body must be 413 (they never fit) -> " + a);
        }
        String many = array(java.util.Collections.nCopies(15_000, "SELECT 1").toArray(String[]::new));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Answer>> parallel = new ArrayList<>();
            for (int i = 0; i < 8 * endpoints.size(); i++) {
                HostileRequest r = HostileRequest.json(endpoints.get(i % endpoints.size()), many);
                parallel.add(pool.submit(() -> run.send(r)));
            }
            for (Future<Answer> f : parallel) {
                Answer a = f.get();
                run.expect(a.status() == 200 || (a.status() == 503 && a.retryAfter() != null),
                        "8 bodies of 15,000 statements at once: 200, or 503 with Retry-After, got " + a);
            }
        } finally {
            pool.shutdownNow();
        }
        byte[] dump = "SELECT 1;".repeat(200_000).getBytes(StandardCharsets.UTF_8);
        for (String endpoint : List.of("/db/load", "/db/execute", "/db/request")) {
            Answer a = run.send(new HostileRequest("POST", endpoint, dump, Map.of("Content-Type", "text/plain")));
            run.expect(a.status() == 200 && !a.bodyPreview().contains("error"),
                    "200,000 statements as one text/plain body must run -> " + a);
        }
    }
}

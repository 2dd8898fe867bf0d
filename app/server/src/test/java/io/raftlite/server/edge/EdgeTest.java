package io.raftlite.server.edge;

import io.micronaut.context.ApplicationContext;
import io.raftlite.server.Main;
import io.raftlite.server.config.NodeSettings;
import io.raftlite.server.config.SettingsResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real node in this JVM, driven over plain sockets: what the HTTP edge refuses, closes and bounds. */
class EdgeTest {

    private static final String HOST = "127.0.3.10";
    private static final String CREATE = "[\"CREATE TABLE t(x)\"]";
    private static final String INSERT = "[\"INSERT INTO t VALUES(1)\"]";

    @TempDir
    Path tmp;

    private int port;

    @Test
    void aBodyThatIsNotInItsContentEncodingIs400AndAValidGzipBodyIsServed() throws Exception {
        try (ApplicationContext ignored = start()) {
            assertEquals(200, exchange(RawHttp.post("/db/execute", CREATE.length()) + CREATE));
            byte[] plain = INSERT.getBytes(StandardCharsets.UTF_8);
            for (String coding : List.of("gzip", "deflate", "br", "x-unknown")) {
                String r = response(RawHttp.post("/db/execute", plain.length, "Content-Encoding: " + coding + "\r\n")
                        + INSERT);
                assertEquals(400, RawHttp.status(r), r);
                assertTrue(r.contains("Content-Encoding"), r);
            }
            byte[] gz = gzip(plain);
            try (RawHttp c = new RawHttp(HOST, port)) {
                c.send(RawHttp.post("/db/execute", gz.length, "Content-Encoding: gzip\r\n")).send(gz);
                String r = c.response();
                assertEquals(200, RawHttp.status(r), r);
                assertTrue(r.contains("\"rows_affected\":1"), r);
            }
        }
    }

    @Test
    void aBodyThatDoesNotFitTheBudgetIs503WithRetryAfterUntilTheBudgetIsFree() throws Exception {
        try (ApplicationContext ignored = start("-http-max-body-size", "64KiB", "-http-body-budget", "64KiB")) {
            assertEquals(200, exchange(RawHttp.post("/db/execute", CREATE.length()) + CREATE));
            String big = "[\"INSERT INTO t VALUES('" + "x".repeat(40_000) + "')\"]";
            try (RawHttp holder = new RawHttp(HOST, port)) {
                holder.send(RawHttp.post("/db/execute", big.length(), "Expect: 100-continue\r\n"));
                assertEquals(100, RawHttp.status(holder.response()), "admitted: its body's bytes are reserved");
                holder.send(big.substring(0, 100)); // and the body is in flight
                String refused = awaitStatus(503, RawHttp.post("/db/execute", big.length()) + big);
                assertTrue(refused.contains("Retry-After: 1") || refused.contains("retry-after: 1"), refused);
                holder.send(big.substring(100));
                assertEquals(200, RawHttp.status(holder.response()));
            }
            assertEquals(200, exchange(RawHttp.post("/db/execute", big.length()) + big), "the budget is free again");
        }
    }

    @Test
    void aConnectionThatSendsNoCompleteHeadIsClosed() throws Exception {
        try (ApplicationContext ignored = start("-http-header-timeout", "300ms")) {
            try (RawHttp silent = new RawHttp(HOST, port); RawHttp partial = new RawHttp(HOST, port)) {
                partial.send("GET /readyz HTTP/1.1\r\nHost: raft");
                assertTrue(silent.closedWithin(20_000), "a connection that never sends is closed");
                assertTrue(partial.closedWithin(20_000), "a head that never ends is closed");
            }
            try (RawHttp keepAlive = new RawHttp(HOST, port)) {
                assertEquals(200, RawHttp.status(keepAlive.send(RawHttp.get("/readyz")).response()));
                assertEquals(200, RawHttp.status(keepAlive.send(RawHttp.get("/readyz")).response()),
                        "a connection that sends whole heads is served");
            }
        }
    }

    @Test
    void aConnectionPastTheCapWaitsUntilOneCloses() throws Exception {
        try (ApplicationContext ignored = start("-http-max-conns", "4")) {
            List<RawHttp> held = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    RawHttp c = new RawHttp(HOST, port);
                    held.add(c);
                    assertEquals(200, RawHttp.status(c.send(RawHttp.get("/readyz")).response()));
                }
                try (RawHttp waiting = new RawHttp(HOST, port)) { // in the listen backlog: not accepted yet
                    waiting.send(RawHttp.get("/readyz"));
                    assertFalse(waiting.closedWithin(300), "neither answered nor closed while 4 are open");
                    held.remove(0).close();
                    waiting.socket.setSoTimeout(20_000);
                    assertEquals(200, RawHttp.status(waiting.response()), "accepted once one closed");
                }
                for (RawHttp c : held) {
                    assertEquals(200, RawHttp.status(c.send(RawHttp.get("/readyz")).response()),
                            "connections within the cap keep working");
                }
            } finally {
                for (RawHttp c : held) {
                    c.close();
                }
            }
        }
    }

    @Test
    void aSilentKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (ApplicationContext ignored = start("-http-idle-timeout", "1s")) {
            try (RawHttp c = new RawHttp(HOST, port)) {
                assertEquals(200, RawHttp.status(c.send(RawHttp.get("/readyz")).response()));
                assertTrue(c.closedWithin(20_000));
            }
            try (RawHttp c = new RawHttp(HOST, port)) {
                assertFalse(c.closedWithin(100), "a new connection is not closed at once");
            }
            String slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 30000000)"
                    + " SELECT count(*) FROM c";
            try (RawHttp c = new RawHttp(HOST, port)) { // served for longer than the idle timeout: not cut
                String r = c.send(RawHttp.get("/db/query?level=none&q=" + java.net.URLEncoder.encode(slow,
                        StandardCharsets.UTF_8))).response();
                assertEquals(200, RawHttp.status(r), r);
            }
        }
    }

    /** Sends {@code request} on new connections until one is answered {@code status} (20 s at most). */
    private String awaitStatus(int status, String request) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = response(request);
                if (RawHttp.status(last) == status) {
                    return last;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no " + status + " within 20 s; last: " + last);
    }

    private int exchange(String request) throws IOException {
        return RawHttp.status(response(request));
    }

    private String response(String request) throws IOException {
        try (RawHttp c = new RawHttp(HOST, port)) {
            return c.send(request).response();
        }
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    private ApplicationContext start(String... extra) throws Exception {
        port = RawHttp.freePort(HOST);
        int raft = RawHttp.freePort(HOST);
        while (raft == port) {
            raft = RawHttp.freePort(HOST);
        }
        List<String> args = new ArrayList<>(List.of("-http-addr", HOST + ":" + port, "-raft-addr", HOST + ":" + raft));
        args.addAll(List.of(extra));
        args.add(tmp.resolve("node-" + port).toString());
        NodeSettings settings = ((SettingsResolver.Run) SettingsResolver.resolve(args.toArray(String[]::new), Map.of()))
                .settings();
        ApplicationContext context = Main.start(settings);
        try {
            awaitStatus(200, RawHttp.get("/readyz"));
        } catch (Exception | AssertionError e) {
            context.close();
            throw e;
        }
        return context;
    }
}

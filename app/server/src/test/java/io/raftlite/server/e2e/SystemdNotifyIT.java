package io.raftlite.server.e2e;

import io.raftlite.server.systemd.NotifyReceiver;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real jar with {@code $NOTIFY_SOCKET} pointing at a Unix datagram socket this test binds (CI has no
 * running systemd), on 127.0.0.184-185: STATUS lines while a {@code -bootstrap-expect 2} node waits for its
 * peer, READY=1 only once both are up and {@code /readyz} answers 200, STOPPING=1 on SIGTERM while a slow
 * request is in flight, which is still answered, and exit status 0.
 */
class SystemdNotifyIT extends ProcessFixture {

    /**
     * Counts to 40 million in SQLite: a read that takes seconds, to be in flight when SIGTERM arrives. Node a runs
     * with a 60 s apply timeout, so the stop waits up to 62 s for it even on a loaded machine, and the read asks
     * for a 60 s db_timeout.
     */
    private static final String SLOW_SQL = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
            + " WHERE x < 40000000) SELECT count(*) FROM c";

    @Test
    void tellsSystemdWhileWaitingWhenReadyAndWhenStopping() throws Exception {
        String socket = "@raftlite-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (NotifyReceiver systemd = NotifyReceiver.bind(socket)) {
            NodeProcess a = NodeProcess.prepare("127.0.0.184", tmp.resolve("a")).env(Map.of("NOTIFY_SOCKET", socket));
            NodeProcess b = NodeProcess.prepare("127.0.0.185", tmp.resolve("b"));
            nodes.add(a);
            nodes.add(b);
            String join = a.host + ":" + a.raftPort + "," + b.host + ":" + b.raftPort;
            a.launch("-node-id", "a", "-bootstrap-expect", "2", "-join", join, "-raft-apply-timeout", "60s");

            String waiting = await(systemd, m -> m.startsWith("STATUS=waiting for 2 nodes via"), a);
            assertTrue(waiting.matches("STATUS=waiting for 2 nodes via .*: [01] found"), waiting);
            Thread.sleep(1500); // a keeps waiting for its peer: nothing says it is ready
            assertFalse(systemd.received().stream().anyMatch(m -> m.contains("READY=1")), systemd.received().toString());
            assertFalse(answers200(a), "no /readyz before the peer is up");

            b.launch("-node-id", "b", "-bootstrap-expect", "2", "-join", join);
            String ready = await(systemd, m -> m.contains("READY=1"), a);
            assertEquals(200, a.get("/readyz").statusCode(), "READY=1 only once /readyz answers 200");
            assertTrue(ready.equals("READY=1\nSTATUS=leader of 2 nodes") || ready.equals("READY=1\nSTATUS=follower, leader b"),
                    ready);
            assertTrue(systemd.received().indexOf(waiting) < systemd.received().indexOf(ready));
            b.awaitReady(Duration.ofSeconds(60));

            CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> query(a, SLOW_SQL));
            Thread.sleep(1000);
            assertFalse(slow.isDone(), "the slow request must still be in flight when SIGTERM arrives");
            long sigterm = System.nanoTime();
            a.process().destroy();
            await(systemd, m -> m.startsWith("STOPPING=1"), null);
            assertTrue(a.process().waitFor(60, TimeUnit.SECONDS), "stopped within 60 s:\n" + a.logTail());
            System.out.printf("systemd notify: SIGTERM with a slow read in flight -> exit %d ms; messages %s%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm), systemd.received());
            assertEquals(0, a.process().exitValue(), a.logTail());
            HttpResponse<String> answered = slow.get(5, TimeUnit.SECONDS);
            assertEquals(200, answered.statusCode(), answered.body());
            assertTrue(answered.body().contains("40000000"), "the read in flight completed: " + answered.body());
        }
    }

    private static HttpResponse<String> query(NodeProcess n, String sql) {
        try {
            // db_timeout: the count takes about 10 s on a loaded 2-core machine, the default -db-timeout
            return n.get("/db/query?level=none&db_timeout=60s&q=" + URLEncoder.encode(sql, StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError("the request in flight got no response: " + e, e);
        }
    }

    private static boolean answers200(NodeProcess n) {
        try {
            return n.get("/readyz").statusCode() == 200;
        } catch (Exception e) {
            return false; // not listening yet
        }
    }

    /** The first message not taken yet that matches, within 60 s. */
    private static String await(NotifyReceiver systemd, Predicate<String> wanted, NodeProcess node) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String m = systemd.next(Duration.ofMillis(200));
            if (m != null && wanted.test(m)) {
                return m;
            }
        }
        throw new AssertionError("no such notification; received " + systemd.received()
                + (node == null ? "" : "\n" + node.logTail()));
    }
}

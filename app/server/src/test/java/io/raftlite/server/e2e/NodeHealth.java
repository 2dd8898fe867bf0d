package io.raftlite.server.e2e;

import io.raftlite.server.e2e.HostileRequest.Answer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What must hold after every hostile case: each node runs, {@code /readyz} is 200, a write succeeds, and the
 * write can be read back on every node, many times at {@code level=none} (so every pooled read connection is
 * asked, and one left inside an old transaction shows as a missing row).
 */
final class NodeHealth {

    private static final Duration PROMPT = Duration.ofSeconds(15);
    private static final AtomicLong MARKS = new AtomicLong();

    private NodeHealth() {
    }

    /** Records every way the nodes fall short as a failure of {@code caseName}; true when all is well. */
    static boolean check(HostileTally tally, String caseName, NodeProcess writeTo, List<NodeProcess> all)
            throws InterruptedException {
        String label = caseName + " / health";
        boolean ok = true;
        for (NodeProcess n : all) {
            ok &= tally.alive(label, n);
        }
        if (!ok) {
            return false;
        }
        for (NodeProcess n : all) {
            Answer ready = tally.send(label, n, HostileRequest.get("/readyz"), PROMPT);
            if (ready.status() != 200) {
                tally.fail(label, n, "/readyz -> " + ready);
                ok = false;
            }
        }
        String mark = "m" + MARKS.incrementAndGet();
        Answer write = tally.send(label, writeTo, HostileRequest.json("/db/execute", PoisonCases.array(
                "CREATE TABLE IF NOT EXISTS hostile_health (v TEXT)",
                "INSERT INTO hostile_health (v) VALUES ('" + mark + "')")), PROMPT);
        if (!write.clean()) {
            tally.fail(label, writeTo, "a plain write failed -> " + write);
            return false;
        }
        for (NodeProcess n : all) {
            ok &= readBack(tally, label, n, mark);
        }
        return ok;
    }

    /** The row appears on this node within a few seconds, and then 12 reads in a row all see it. */
    private static boolean readBack(HostileTally tally, String label, NodeProcess n, String mark)
            throws InterruptedException {
        HostileRequest read = HostileRequest.get("/db/query?level=none&q="
                + FuzzRequests.encode("SELECT count(*) FROM hostile_health WHERE v = '" + mark + "'"));
        long deadline = System.nanoTime() + PROMPT.toNanos();
        Answer a = tally.send(label, n, read, PROMPT);
        while (!seen(a) && a.answered() && System.nanoTime() < deadline) { // a follower may apply a moment later
            Thread.sleep(50);
            a = tally.send(label, n, read, PROMPT);
        }
        for (int i = 0; i < 12 && seen(a); i++) {
            a = tally.send(label, n, read, PROMPT);
        }
        if (!seen(a)) {
            tally.fail(label, n, "the row just written is not read back at level=none: " + read.describe() + " -> " + a);
            return false;
        }
        return true;
    }

    private static boolean seen(Answer a) {
        return a.clean() && a.bodyPreview().contains("[[1]]");
    }

    /** Every node's SQL dump, as raw text (for comparing replicas byte for byte). */
    static List<String> dumps(List<NodeProcess> nodes) {
        return nodes.stream().map(n -> {
            try {
                var r = n.get("/db/backup?fmt=sql");
                return r.statusCode() + "\n" + r.body();
            } catch (Exception e) {
                return "(no dump: " + e + ")";
            }
        }).toList();
    }
}

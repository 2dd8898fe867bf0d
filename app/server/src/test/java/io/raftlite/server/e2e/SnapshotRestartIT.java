package io.raftlite.server.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static io.raftlite.server.e2e.CrashRecoveryIT.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Snapshots are taken automatically, the log is purged behind them, and restarts restore from them. */
class SnapshotRestartIT {

    @TempDir
    Path tmp;

    @Test
    void restartAfterSnapshotsRestoresEverything() throws Exception {
        Path data = tmp.resolve("d1");
        try (NodeProcess node = NodeProcess.start("127.0.0.32", data, "-raft-snap", "25",
                "-raft-log-segment-size", "16KiB")) {
            ok(node.post("/db/execute", "[\"CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)\"]"));
            for (int i = 0; i < 300; i++) {
                ok(node.post("/db/execute", "[[\"INSERT INTO kv VALUES (?, ?)\", \"key-" + i + "\", \""
                        + "x".repeat(100) + "\"]]"));
            }
            List<Path> snapshots = files(data, "snapshot.");
            assertFalse(snapshots.isEmpty(), "no snapshot file after 300 entries with -raft-snap 25");
            assertTrue(snapshots.stream().anyMatch(p -> p.toString().endsWith(".md5")), "snapshots carry a checksum");
            List<Path> logs = files(data, "log_");
            assertTrue(logs.stream().noneMatch(p -> p.getFileName().toString().startsWith("log_0-")),
                    "the first log segment should have been purged behind the snapshot: " + logs);

            assertEquals(0, node.stop());
            node.restart();
            assertCount(node, 300);
            String status = node.get("/status").body();
            assertFalse(status.contains("\"snapshot_index\":0"), status);

            // once more through kill -9, with writes after the last snapshot, some of them non-deterministic:
            // replaying the log must give back the very same values, not new ones
            ok(node.post("/db/execute", "[\"CREATE TABLE r (n INTEGER, b BLOB, at TEXT DEFAULT CURRENT_TIMESTAMP, d TEXT)\"]"));
            for (int i = 300; i < 310; i++) {
                ok(node.post("/db/execute", "[[\"INSERT INTO kv VALUES (?, 'y')\", \"key-" + i + "\"],"
                        + "\"INSERT INTO r (n, b, d) VALUES (random(), randomblob(8), strftime('%Y-%m-%d %H:%M:%f', 'now'))\"]"));
                Thread.sleep(5);
            }
            String before = node.get("/db/query?q=SELECT%20*%20FROM%20r").body();
            node.kill9();
            node.restart();
            assertCount(node, 310);
            assertEquals(before, node.get("/db/query?q=SELECT%20*%20FROM%20r").body(),
                    "replay after kill -9 recomputed random() or 'now'");
        }
    }

    private static void assertCount(NodeProcess node, int expected) throws Exception {
        HttpResponse<String> r = node.get("/db/query?q=SELECT%20COUNT(*)%20FROM%20kv");
        ok(r);
        assertTrue(r.body().contains("\"values\":[[" + expected + "]]"), r.body());
    }

    private static List<Path> files(Path root, String prefix) throws IOException {
        return NodeProcess.liveFiles(root, name -> name.startsWith(prefix));
    }
}

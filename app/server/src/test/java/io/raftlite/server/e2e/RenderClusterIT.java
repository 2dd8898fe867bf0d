package io.raftlite.server.e2e;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes on 127.0.20.11-13, each rendering the same template over a {@code settings} table to a file of its
 * own: every write to the leader reaches every host's file, each through its own node's change log. Prints the
 * write-to-file latency (p50/p99 over all writes and hosts); the benchmark, not this test, holds figures.
 */
class RenderClusterIT extends ProcessFixture {

    private static final int WRITES = 40;
    private static final Duration EACH = Duration.ofSeconds(20);

    @Test
    void aWriteIsRenderedOnEveryHost() throws Exception {
        Path template = tmp.resolve("app.conf.peb");
        Files.writeString(template, "{% for r in query(\"SELECT v FROM settings WHERE k = 'port'\") %}port={{ r.v }}\n"
                + "{% endfor %}");
        List<String> join = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            NodeProcess n = NodeProcess.prepare("127.0.20.1" + i, tmp.resolve("n" + i));
            nodes.add(n);
            join.add(n.host + ":" + n.raftPort);
        }
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path out = tmp.resolve("host" + (i + 1) + "/app.conf");
            files.add(out);
            Path config = tmp.resolve("render" + (i + 1) + ".yml");
            Files.writeString(config, "render:\n  - {template: %s, destination: %s, wait: {min: 0s, max: 0s}}\n"
                    .formatted(template, out));
            nodes.get(i).launch("-node-id", "r" + (i + 1), "-join", String.join(",", join), "-bootstrap-expect", "3",
                    "-render", config.toString());
        }
        for (NodeProcess n : nodes) {
            n.awaitReady(Duration.ofSeconds(120));
        }
        NodeProcess leader = nodes.stream().filter(RenderClusterIT::isLeader).findFirst().orElseThrow();
        ok(leader, "[\"CREATE TABLE settings (k TEXT PRIMARY KEY, v TEXT)\", \"INSERT INTO settings VALUES ('port', '0')\"]");
        for (Path f : files) {
            await(f, "port=0\n", System.nanoTime());
        }
        List<Long> micros = new ArrayList<>();
        for (int i = 1; i <= WRITES; i++) {
            long start = System.nanoTime();
            ok(leader, "[\"UPDATE settings SET v = '" + (8000 + i) + "' WHERE k = 'port'\"]");
            for (Path f : files) {
                micros.add(await(f, "port=" + (8000 + i) + "\n", start));
            }
        }
        Collections.sort(micros);
        System.out.printf("RenderClusterIT: write -> file on all 3 hosts, %d samples: p50 %.1f ms, p99 %.1f ms%n",
                micros.size(), micros.get(micros.size() / 2) / 1000.0, micros.get(micros.size() * 99 / 100) / 1000.0);
        assertEquals(3 * WRITES, micros.size());
    }

    private static boolean isLeader(NodeProcess n) {
        try {
            return n.get("/status").body().contains("\"state\":\"Leader\"");
        } catch (Exception e) {
            return false;
        }
    }

    private static void ok(NodeProcess node, String json) throws Exception {
        var r = node.post("/db/execute", json);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(!r.body().contains("\"error\""), r.body());
    }

    /** Microseconds from {@code startNanos} until {@code file} holds {@code content}. */
    private static long await(Path file, String content, long startNanos) throws Exception {
        long deadline = System.nanoTime() + EACH.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Files.readString(file).equals(content)) {
                    return (System.nanoTime() - startNanos) / 1000;
                }
            } catch (NoSuchFileException notYet) {
                // the first render has not happened
            }
            Thread.sleep(1); // sampling the file; the latency is what is measured
        }
        throw new AssertionError(file + " never held " + content.strip() + " (has: "
                + (Files.exists(file) ? Files.readString(file).strip() : "no file") + ")");
    }
}

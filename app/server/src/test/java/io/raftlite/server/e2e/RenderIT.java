package io.raftlite.server.e2e;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real node on 127.0.20.1 with a {@code render} entry over a {@code settings} table: a write re-renders the
 * file, a burst of writes gives one reload, an unchanged result leaves the file (and its mtime) alone, and a
 * failing check command keeps the old file.
 */
class RenderIT extends ProcessFixture {

    private static final Pattern LAST_RENDER = Pattern.compile("\"last_render\"\\s*:\\s*\"([^\"]*)\"");

    @Test
    void aSettingsTableRendersToAFileWithCheckAndReload() throws Exception {
        Path template = tmp.resolve("app.conf.peb");
        Files.writeString(template, "{% for r in query(\"SELECT k, v FROM settings WHERE env = ? ORDER BY k\","
                + " \"prod\") %}{{ r.k }}={{ r.v }}\n{% endfor %}");
        Path out = tmp.resolve("etc/app.conf");
        Path reloads = tmp.resolve("reloads.log");
        Path config = tmp.resolve("render.yml");
        Files.writeString(config, """
                render:
                  - template: %s
                    destination: %s
                    perms: "0640"
                    check_command: ["sh", "-c", "! grep -q =bad \\"$0\\"", "{{.}}"]
                    reload_command: ["sh", "-c", "echo reloaded >> %s"]
                    wait: {min: 1s, max: 10s}
                """.formatted(template, out, reloads));
        NodeProcess node = NodeProcess.start("127.0.20.1", tmp.resolve("n1"), "-render", config.toString());
        nodes.add(node);
        exec(node, "[\"CREATE TABLE settings (k TEXT, v TEXT, env TEXT, PRIMARY KEY (k, env))\", \"CREATE TABLE other (x)\","
                + " \"INSERT INTO settings VALUES ('port', '80', 'prod'), ('port', '1', 'dev')\"]");
        await(() -> Files.exists(out) && Files.readString(out).equals("port=80\n"), node, "first render");
        await(() -> lines(reloads) == 1, node, "one reload for the first render");

        for (int i = 81; i <= 90; i++) { // a burst: ten writes well within wait.min of each other
            exec(node, "[[\"UPDATE settings SET v = ? WHERE k = 'port' AND env = 'prod'\", \"" + i + "\"]]");
        }
        await(() -> Files.readString(out).equals("port=90\n"), node, "the burst's last value");
        await(() -> lines(reloads) == 2, node, "a reload for the burst");

        // a write to a table no template reads wakes no render (the node's change log, not a poll)
        String quiet = lastRender(node);
        exec(node, "[\"INSERT INTO other VALUES (1)\"]"); // (DDL would count as a change of every table)
        long until = System.nanoTime() + Duration.ofMillis(2500).toNanos(); // wait.min (1 s) and then some
        while (System.nanoTime() < until) {
            assertEquals(quiet, lastRender(node), "a render after a write to a table the template does not read");
            Thread.sleep(50); // sampling for a render that must not come
        }

        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(out, old);
        String before = lastRender(node);
        exec(node, "[\"UPDATE settings SET v = '2' WHERE env = 'dev'\"]"); // a row the template does not show
        await(() -> !lastRender(node).equals(before), node, "a render after the unrelated write");
        assertEquals(old, Files.getLastModifiedTime(out), "equal content leaves the file alone");

        exec(node, "[\"UPDATE settings SET v = 'bad' WHERE env = 'prod'\"]");
        await(() -> node.get("/status").body().contains("check_command exited 1"), node, "the check's refusal");
        assertEquals("port=90\n", Files.readString(out), "the old file is kept");
        assertEquals(2, lines(reloads), "no reload for a refused file, and exactly one per burst");
        assertTrue(node.get("/metrics").body().contains("raftlite_render_attempts_total{file=\"" + out + "\","
                + "result=\"check_failed\"}"), "metrics count the refusal");

        Path cliConfig = tmp.resolve("cli.yml"); // raftlite render -once: the same template through the HTTP API
        Path cliOut = tmp.resolve("cli/app.conf");
        Files.writeString(cliConfig, "render:\n  - {template: %s, destination: %s}\n".formatted(template, cliOut));
        NodeProcess.Result once = NodeProcess.run(Duration.ofSeconds(60), "render", "-once", "-config",
                cliConfig.toString(), "-H", node.host + ":" + node.httpPort);
        assertEquals(0, once.exitCode(), once.stdout() + once.stderr());
        assertEquals("port=bad\n", Files.readString(cliOut));

        // raftlite render without -once: a daemon beside the node that follows its writes
        Path daemonOut = tmp.resolve("daemon/app.conf");
        Path daemonConfig = tmp.resolve("daemon.yml");
        Files.writeString(daemonConfig, "render:\n  - {template: %s, destination: %s}\n".formatted(template, daemonOut));
        Process daemon = NodeProcess.spawn(tmp.resolve("daemon.log"), "render", "-config", daemonConfig.toString(),
                "-H", node.host + ":" + node.httpPort);
        try {
            await(() -> Files.exists(daemonOut) && Files.readString(daemonOut).equals("port=bad\n"), node,
                    "the daemon's first render");
            exec(node, "[\"UPDATE settings SET v = '443' WHERE env = 'prod'\"]");
            await(() -> Files.readString(daemonOut).equals("port=443\n"), node, "the daemon's render of a new write");
            assertTrue(daemon.isAlive(), "the daemon keeps running");
        } finally {
            daemon.destroy();
            if (!daemon.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                daemon.destroyForcibly().waitFor();
            }
        }
    }

    private static void exec(NodeProcess node, String json) throws Exception {
        var r = node.post("/db/execute", json);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(!r.body().contains("\"error\""), r.body());
    }

    private static long lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }

    private static String lastRender(NodeProcess node) throws Exception {
        Matcher m = LAST_RENDER.matcher(node.get("/status").body());
        return m.find() ? m.group(1) : "";
    }

    private static void await(Callable<Boolean> condition, NodeProcess node, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.call()) {
                return;
            }
            Thread.sleep(50); // the polling interval of a deadline loop
        }
        throw new AssertionError("timed out waiting for " + what + "\n" + node.get("/status").body()
                + "\n" + node.logTail(30));
    }
}

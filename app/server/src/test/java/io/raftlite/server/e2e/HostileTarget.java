package io.raftlite.server.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one node a hostile run attacks, started with the shipped JVM options and its own {@code java.io.tmpdir}.
 * When a case leaves it broken, {@link #recover} restarts it on the same data (a failure of its own when
 * that does not come back: the log replays the poison) and, failing that, on a fresh data directory, so the
 * run goes on and reports every case.
 */
final class HostileTarget implements AutoCloseable {

    private static final Duration RECOVERY = Duration.ofSeconds(40);

    private final Path root;
    private final String host;
    private final List<String> args;
    private int generation;
    private NodeProcess node;

    HostileTarget(Path root, String host, String... args) {
        this.root = root;
        this.host = host;
        this.args = List.of(args);
    }

    /** On top of the shipped JAVA_OPTS ({@link NodeJvm}): a temp directory of the test's own, so leftovers can be counted. */
    static String[] jvmOptions(Path tmpdir) throws IOException {
        Files.createDirectories(tmpdir);
        List<String> opts = new ArrayList<>();
        opts.add("-Djava.io.tmpdir=" + tmpdir);
        if (Boolean.getBoolean("raftlite.fuzz.oomdiag")) {
            // A soak diagnostic: a heap dump at an OutOfMemoryError, next to the node's log (jcmd cannot attach
            // to a JVM in that state, so a thread dump is not possible)
            opts.add("-XX:+HeapDumpOnOutOfMemoryError");
            opts.add("-XX:HeapDumpPath=" + tmpdir.getParent());
        }
        return opts.toArray(String[]::new);
    }

    Path tmpdir() {
        return root.resolve("jvm-tmp");
    }

    NodeProcess node() {
        return node;
    }

    NodeProcess start() throws Exception {
        node = NodeProcess.prepare(host, root.resolve("data-" + generation)).jvm(jvmOptions(tmpdir()));
        node.launch(args.toArray(String[]::new));
        node.awaitReady(Duration.ofSeconds(120));
        return node;
    }

    /** Brings a broken node back: a restart on the same data, else a fresh data directory. */
    void recover(HostileTally tally, String caseName) throws Exception {
        tally.sampleRss(node);
        node.kill9();
        try {
            node.launch();
            node.awaitReady(RECOVERY);
            if (NodeHealth.check(tally, caseName + " / after a restart", node, List.of(node))) {
                return;
            }
        } catch (AssertionError e) {
            tally.fail(caseName + " / after a restart", node, "the node does not come back on its own data: "
                    + firstLines(e.getMessage(), 3));
        }
        node.kill9();
        generation++;
        System.out.println("[hostile] " + caseName + ": starting a fresh node on " + root.resolve("data-" + generation));
        start();
    }

    /** SIGTERM, then a restart on the same data: both must work after everything the run sent. */
    void cleanRestart(HostileTally tally, String label) throws Exception {
        tally.sampleRss(node);
        try {
            int code = node.stop();
            if (code != 0 && code != 143) {
                tally.fail(label, node, "exit code " + code + " after SIGTERM");
            }
        } catch (AssertionError e) {
            tally.fail(label, node, firstLines(e.getMessage(), 1));
        }
        try {
            node.restart();
        } catch (AssertionError e) {
            tally.fail(label, node, "not ready after a restart: " + firstLines(e.getMessage(), 3));
        }
    }

    /** The first {@code n} lines of a message that are not stack frames, joined on one line. */
    static String firstLines(String s, int n) {
        return String.join(" | ", String.valueOf(s).lines()
                .filter(l -> !l.startsWith("\tat ") && !l.startsWith("\t... ") && !l.isBlank()).limit(n).toList());
    }

    @Override
    public void close() throws InterruptedException {
        if (node != null) {
            node.close();
        }
    }
}

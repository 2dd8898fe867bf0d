package io.raftlite.server.faults;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.raftlite.server.e2e.NodeJvm;

/**
 * One raftlite node: the built jar run by {@code ip netns exec} inside its namespace (Raft and HTTP on
 * 10.214.0.i), plus a socat inside the same namespace that forwards {@code <dir>/ni.sock} to the HTTP port.
 * The jar's pid is the one Java started ({@code ip netns exec} execs), so SIGKILL, SIGSTOP and SIGCONT reach
 * the node itself.
 */
final class FaultNode implements AutoCloseable {

    static final int HTTP_PORT = 4001;
    static final int RAFT_PORT = 4002;
    /** A listener only the partition probes connect to, so they also work while the node is down. */
    static final int PROBE_PORT = 7000;

    final int index;
    final String id;
    final String ns;
    final Path socket;
    final Path log;
    private final Path dataDir;
    private final List<String> args;
    private Process node;
    private Process socat;
    private Process probe;

    FaultNode(Netns net, int index, Path dir, List<String> args) {
        this.index = index;
        this.id = "n" + index;
        this.ns = net.node(index);
        this.socket = dir.resolve(id + ".sock");
        this.log = dir.resolve(id + ".log");
        this.dataDir = dir.resolve(id);
        this.args = List.copyOf(args);
    }

    String ip() {
        return Netns.ip(index);
    }

    String raftAddress() {
        return ip() + ":" + RAFT_PORT;
    }

    /** Starts the socat forwarder (once) and the node, without waiting for the node. */
    void launch() throws IOException {
        if (socat == null) {
            socat = Netns.spawn(ns, log.resolveSibling(id + "-socat.log"), List.of("socat",
                    "UNIX-LISTEN:" + socket + ",fork,unlink-early", "TCP:" + ip() + ":" + HTTP_PORT));
            probe = Netns.spawn(ns, log.resolveSibling(id + "-probe.log"), List.of("socat", "-u",
                    "TCP-LISTEN:" + PROBE_PORT + ",bind=" + ip() + ",reuseaddr,fork", "OPEN:/dev/null"));
        }
        List<String> cmd = new ArrayList<>(List.of(javaBin()));
        cmd.addAll(NodeJvm.options());
        cmd.addAll(List.of("-jar", jar().toString(), "-node-id", id, "-http-addr", ip() + ":" + HTTP_PORT,
                "-raft-addr", raftAddress(), "-raft-insecure"));
        cmd.addAll(args);
        cmd.add(dataDir.toString());
        node = Netns.spawn(ns, log, cmd);
    }

    /** Waits until {@code /readyz} answers 200 (through the socket). */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!node.isAlive()) {
                throw new AssertionError(id + " exited with " + node.exitValue() + ":\n" + logTail(40));
            }
            try {
                if (UnixHttp.get(socket, "/readyz", Duration.ofSeconds(2)).status() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100); // poll interval
        }
        throw new AssertionError(id + " not ready within " + timeout + ":\n" + logTail(40));
    }

    boolean isAlive() {
        return node != null && node.isAlive();
    }

    void kill9() throws InterruptedException {
        Netns.kill(node);
    }

    /** Deletes this (stopped) node's data directory: it starts again as a new node. */
    void wipe() throws IOException {
        if (isAlive()) {
            throw new IllegalStateException(id + " still runs");
        }
        if (java.nio.file.Files.exists(dataDir)) {
            try (var paths = java.nio.file.Files.walk(dataDir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.delete(p);
                }
            }
        }
    }

    void pause() throws IOException {
        Netns.must(null, "kill", "-STOP", Long.toString(node.pid()));
    }

    void resume() throws IOException {
        Netns.must(null, "kill", "-CONT", Long.toString(node.pid()));
    }

    /** Lines in the node's log so far (its own and Ratis' lines; restarts append). */
    long logLines() {
        long lines = 0;
        try (InputStream in = Files.newInputStream(log)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        lines++;
                    }
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return lines;
    }

    /** Lines of the node's log that contain {@code text}. */
    long logLinesContaining(String text) {
        try (var lines = Files.lines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains(text)).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (node != null) {
            if (node.isAlive()) {
                try {
                    resume(); // a stopped process would not die of SIGKILL before SIGCONT on some kernels
                } catch (IOException ignored) {
                    // it ended meanwhile
                }
            }
            Netns.kill(node);
        }
        if (socat != null) {
            Netns.kill(socat);
            Netns.kill(probe);
            socat = null;
        }
    }

    /** The jar failsafe names in raftlite.jar (the module's target/raftlite.jar). */
    static Path jar() {
        return NodeJvm.jar();
    }

    private static String javaBin() {
        return NodeJvm.javaBin();
    }
}

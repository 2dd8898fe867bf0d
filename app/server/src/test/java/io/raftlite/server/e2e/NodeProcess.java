package io.raftlite.server.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built raftlite.jar running as a separate process on a loopback address. Tests stop it by PID in
 * {@link #close()}, whatever happened; {@link #kill9()} sends SIGKILL.
 */
final class NodeProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final String host;
    final int httpPort;
    final int raftPort;
    final Path dataDir;
    final Path log;
    private List<String> extraArgs;
    private List<String> jvmArgs = List.of();
    private Map<String, String> environment = Map.of();
    private String shellPrefix;
    private HttpClient http = HTTP;
    private String scheme = "http";
    private Process process;

    private NodeProcess(String host, Path dataDir, List<String> extraArgs) {
        this(host, dataDir, extraArgs, freePort(host));
    }

    private NodeProcess(String host, Path dataDir, List<String> extraArgs, int raftPort) {
        this.host = host;
        int http = freePort(host);
        while (http == raftPort) { // the OS may hand a just-closed ephemeral port out again
            http = freePort(host);
        }
        this.httpPort = http;
        this.raftPort = raftPort;
        this.dataDir = dataDir;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** Starts a node and waits until {@code /readyz} answers 200. */
    static NodeProcess start(String host, Path dataDir, String... extraArgs) throws Exception {
        NodeProcess node = new NodeProcess(host, dataDir, List.of(extraArgs));
        node.launch();
        try {
            node.awaitReady(Duration.ofSeconds(120));
        } catch (Throwable t) { // the caller never gets the node, so it could not stop it
            node.close();
            throw t;
        }
        return node;
    }

    /** A node not launched yet: its ports are chosen, so other nodes' arguments can name them. */
    static NodeProcess prepare(String host, Path dataDir) {
        return new NodeProcess(host, dataDir, List.of());
    }

    /** A node not launched yet whose Raft port is given (DNS A records pair every address with one port). */
    static NodeProcess prepare(String host, Path dataDir, int raftPort) {
        return new NodeProcess(host, dataDir, List.of(), raftPort);
    }

    /** JVM options (e.g. a test hook's -D) for every later launch. */
    NodeProcess jvm(String... options) {
        jvmArgs = List.of(options);
        return this;
    }

    /**
     * Later launches run through {@code sh -c '<prefix>; exec java ...'}, e.g. {@code ulimit -n 1024; umask 022}
     * to start the node as a shell would.
     */
    NodeProcess shell(String prefix) {
        shellPrefix = prefix;
        return this;
    }

    /**
     * Requests from this test (readiness included) go to {@code https://} with this client context: the CA it
     * trusts and, for {@code -http-verify-client}, the client certificate it presents.
     */
    NodeProcess https(javax.net.ssl.SSLContext client) {
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(client).build();
        scheme = "https";
        return this;
    }

    /** Extra environment variables (e.g. NOTIFY_SOCKET) for every later launch. */
    NodeProcess env(Map<String, String> variables) {
        environment = Map.copyOf(variables);
        return this;
    }

    /** Launches this node with these arguments (kept for {@link #restart()}) without waiting for it. */
    void launch(String... args) throws IOException {
        extraArgs = List.of(args);
        launch();
    }

    /**
     * The files under {@code root} whose names match, while a node may run there: it deletes old snapshots and
     * log segments at any moment, so a walk that meets a vanished entry walks again.
     */
    static List<Path> liveFiles(Path root, java.util.function.Predicate<String> name) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try (java.util.stream.Stream<Path> all = Files.walk(root)) {
                return all.filter(p -> name.test(p.getFileName().toString())).toList();
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt == 20) {
                    throw e;
                }
            }
        }
    }

    static Path jar() {
        return NodeJvm.jar();
    }

    /** Runs the jar to completion with the given arguments (for CLI tests). */
    static Result run(Duration timeout, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("raftlite " + String.join(" ", args) + " did not exit within " + timeout);
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                    new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    /** Starts the jar with the given arguments and leaves it running (a CLI daemon); output goes to {@code log}. */
    static Process spawn(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    void launch() throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin()));
        cmd.addAll(NodeJvm.options()); // what the package runs a node with; the test's own options win
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-jar", jar().toString(), "-http-addr", host + ":" + httpPort, "-raft-addr", host + ":" + raftPort));
        cmd.addAll(extraArgs);
        cmd.add(dataDir.toString());
        if (shellPrefix != null) {
            List<String> wrapped = new ArrayList<>(List.of("sh", "-c", shellPrefix + "; exec \"$@\"", "raftlite"));
            wrapped.addAll(cmd);
            cmd = wrapped;
        }
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
        LAUNCHED.add(process);
    }

    /** Every process any test launched: a safety net that kills them when the test JVM exits. */
    private static final java.util.Set<Process> LAUNCHED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LAUNCHED.forEach(Process::destroyForcibly),
                "kill-raftlite-nodes"));
    }

    /**
     * Waits until {@code /readyz} answers 200 and the node's join or bootstrap returned ({@code /status}
     * {@code formation.state} is no longer {@code waiting}): the API answers during the wait (as rqlite's does),
     * which tests that start a cluster node by node do not wait through.
     */
    void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("raftlite exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                if (get("/readyz").statusCode() == 200 && !get("/status").body().contains("\"state\":\"waiting\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("raftlite not ready within " + timeout + ":\n" + logTail());
    }

    long pid() {
        return process.pid();
    }

    /** The running process, e.g. to send it SIGTERM and time its exit. */
    Process process() {
        return process;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process keeps its sockets open but answers nothing, as a node cut off by a partition. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGTERM and wait for a clean exit; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("raftlite did not stop within 30s of SIGTERM:\n" + logTail());
        }
        return process.exitValue();
    }

    /** Starts the same node again (same addresses and data directory) and waits until it is ready. */
    void restart() throws Exception {
        launch();
        awaitReady(Duration.ofSeconds(120));
    }

    String baseUrl() {
        return scheme + "://" + host + ":" + httpPort;
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery)).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery)).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> post(String pathAndQuery, String json) throws IOException, InterruptedException {
        return send("POST", pathAndQuery, json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    HttpResponse<String> send(String method, String pathAndQuery, byte[] body, String contentType)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The exit code once the process has ended, or null while it runs (or before it was launched). */
    Integer exitCode() {
        return process == null || process.isAlive() ? null : process.exitValue();
    }

    /** The process's peak resident set size (VmHWM in /proc/PID/status) in KiB, or -1 when it cannot be read. */
    long vmHwmKiB() {
        if (process == null || !process.isAlive()) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1; // the process ended between the check and the read
        }
        return -1;
    }

    /** The last {@code lines} lines of this node's log. */
    String logTail(int lines) {
        try {
            // lenient decoding: a hostile request's bytes may be quoted in the log
            List<String> all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    String logTail() {
        return logTail(60);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Stops every node (SIGKILL where still running). */
    static void closeAll(List<NodeProcess> nodes) throws InterruptedException {
        for (NodeProcess n : nodes) {
            n.close();
        }
    }

    private static String javaBin() {
        return NodeJvm.javaBin();
    }

    static int freePort(String host) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.raftlite.discovery.tck;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-member etcd server for tests, from the Debian package {@code etcd-server}: it listens on
 * {@value #HOST} with free client and peer ports, keeps its data in a temporary directory and writes its log
 * to {@code etcd.log} there (beside the {@code data} directory etcd owns).
 *
 * <p>Use it from {@code @BeforeAll}/{@code @AfterAll} and {@link #close()} it there; it is also stopped by a
 * JVM shutdown hook, so a crashed test run leaves no etcd behind. Stopping sends SIGTERM to the PID, then
 * SIGKILL if etcd has not exited within 10 seconds.
 */
public final class EtcdProcess implements AutoCloseable {

    /** The loopback address every test etcd binds (tests use 127.0.0.0/8 only). */
    public static final String HOST = "127.0.0.61";

    /** How long SIGTERM gets before SIGKILL. */
    private static final long STOP_GRACE_SECONDS = 10;

    private static final long START_TIMEOUT_MILLIS = 30_000;
    private static final int START_ATTEMPTS = 3;

    private final Path binary;
    private final Path dir;
    private final String host;
    private int clientPort;
    private int peerPort;
    private Process process;
    private Thread killOnExit;

    private EtcdProcess(Path binary, Path dir, String host) {
        this.binary = binary;
        this.dir = dir;
        this.host = host;
    }

    /**
     * Starts etcd and waits until it answers its health check. Skips the calling test when etcd is not
     * installed (fails under CI, see {@link ExternalBinary#require}).
     */
    public static EtcdProcess start() throws IOException, InterruptedException {
        return start(HOST);
    }

    /** The same on another loopback address (a test's own range). */
    public static EtcdProcess start(String host) throws IOException, InterruptedException {
        Path binary = ExternalBinary.require("etcd", "etcd-server");
        EtcdProcess etcd = new EtcdProcess(binary, Files.createTempDirectory("raftlite-etcd-"), host);
        for (int attempt = 1; ; attempt++) {
            etcd.clientPort = freePort(host);
            etcd.peerPort = freePort(host);
            try {
                etcd.launch();
                return etcd;
            } catch (IllegalStateException e) {
                // most likely a port taken between freePort() and etcd's bind: try other ports
                etcd.close();
                if (attempt == START_ATTEMPTS) {
                    throw e;
                }
                etcd = new EtcdProcess(binary, Files.createTempDirectory("raftlite-etcd-"), host);
            }
        }
    }

    /** The client URL, {@code http://127.0.0.61:port}. */
    public String endpoint() {
        return "http://" + host + ":" + clientPort;
    }

    /** etcd's log file. */
    public Path logFile() {
        return dir.resolve("etcd.log");
    }

    /** The running process's PID. */
    public long pid() {
        return process.pid();
    }

    /** Whether etcd is running. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops etcd (SIGTERM, then SIGKILL) and keeps its data for {@link #restart()}. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        ProcessHandle handle = ProcessHandle.of(process.pid()).orElse(null);
        if (handle != null && handle.isAlive()) {
            handle.destroy();
            try {
                if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    handle.destroyForcibly();
                    process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                handle.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        process = null;
        if (killOnExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down and runs the hook itself
            }
            killOnExit = null;
        }
    }

    /** Stops etcd and starts it again on the same ports and data, waiting until it answers. */
    public synchronized void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    /** Stops etcd and deletes its directory; never throws. */
    @Override
    public synchronized void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }

    private synchronized void launch() throws IOException, InterruptedException {
        String peer = "http://" + host + ":" + peerPort;
        List<String> cmd = List.of(binary.toString(),
                "--name", "raftlite-test",
                "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", endpoint(),
                "--advertise-client-urls", endpoint(),
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "raftlite-test=" + peer);
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .start();
        Process started = process;
        killOnExit = new Thread(started::destroyForcibly, "stop etcd " + started.pid());
        Runtime.getRuntime().addShutdownHook(killOnExit);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (!healthy()) {
            if (!started.isAlive() || System.nanoTime() > deadline) {
                String why = started.isAlive() ? "did not answer within " + START_TIMEOUT_MILLIS + " ms"
                        : "exited with " + started.exitValue();
                stop();
                throw new IllegalStateException("etcd at " + endpoint() + " " + why + "; its log ends:\n" + logTail());
            }
            Thread.sleep(100);
        }
    }

    private boolean healthy() {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(endpoint() + "/health").openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(1000);
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("\"health\":\"true\"");
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** A port that is free on {@value #HOST} right now. */
    public static int freePort() throws IOException {
        return freePort(HOST);
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return s.getLocalPort();
        }
    }
}

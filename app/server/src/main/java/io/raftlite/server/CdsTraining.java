package io.raftlite.server;

import io.micronaut.context.ApplicationContext;
import io.raftlite.core.store.RaftStore;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryClients;
import io.raftlite.server.config.NodeSettings;
import io.raftlite.server.config.SettingsResolver;
import io.raftlite.server.config.UsageException;
import io.raftlite.server.systemd.SystemdNotifier;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run behind the AppCDS archive ({@code /usr/bin/raftlite --make-cds-archive}, see
 * docs/operations.md): {@code java -XX:ArchiveClassesAtExit=FILE -cp raftlite.jar io.raftlite.server.CdsTraining}
 * loads the classes a node loads when it starts, serves and stops, and the JVM writes them to FILE at exit.
 * A node started with {@code -XX:SharedArchiveFile=FILE} then maps them instead of loading each from the jar.
 *
 * <p>The run starts a single-node cluster in a temporary directory on two free ports of 127.0.0.1, writes and
 * reads a row over HTTP, reads its own group info through the Raft client (as a joining node does), asks each
 * check-and-set discovery client (etcd, Consul) for a record at a closed port
 * so that their classes are loaded too, and stops the node. It changes nothing outside its temporary
 * directory, which it deletes. Exit status 0 only when every step worked: the launcher keeps the archive only
 * then.
 */
public final class CdsTraining {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private CdsTraining() {
    }

    public static void main(String[] args) {
        int code = 0;
        try {
            run(InetAddress.getLoopbackAddress().getHostAddress());
        } catch (Exception e) {
            System.err.println("raftlite: the class data training run failed: " + e);
            code = 1;
        }
        System.exit(code); // the JVM writes the archive now
    }

    /** One training run on {@code host}; throws when a step fails. */
    static void run(String host) throws Exception {
        Path dir = Files.createTempDirectory("raftlite-cds");
        try {
            NodeSettings settings = settings(host, dir);
            ApplicationContext context = Main.start(settings, SystemdNotifier.fromEnvironment(Map.of()));
            try {
                if (!context.getBean(RaftStore.class).awaitReady(READY_TIMEOUT)) {
                    throw new IllegalStateException("the training node was not ready within " + READY_TIMEOUT);
                }
                exercise("http://" + settings.httpAddr());
                // the Raft client's gRPC path (shaded gRPC and Netty, about 860 classes): every node of a cluster
                // uses it (joins, votes, appends), a lone node never
                context.getBean(RaftStore.class).warmUpJoin().join(READY_TIMEOUT.toMillis());
                touchDiscoveryClients(host, dir);
            } finally {
                context.close();
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static NodeSettings settings(String host, Path dir) throws IOException, UsageException {
        String[] args = {"-node-id", "cds-training", "-http-addr", host + ":" + freePort(host),
                "-raft-addr", host + ":" + freePort(host), "-log-level", "WARN", dir.resolve("data").toString()};
        // An empty environment: RAFTLITE_* variables meant for the real node must not move this one.
        return ((SettingsResolver.Run) SettingsResolver.resolve(args, Map.of())).settings();
    }

    /** The request path of writes, reads and the health and status endpoints, as a client would use it. */
    private static void exercise(String base) throws IOException {
        call("POST", base + "/db/execute", "[\"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)\","
                + "[\"INSERT INTO t(v) VALUES(?)\", \"x\"]]");
        call("POST", base + "/db/execute?queue", "[[\"INSERT INTO t(v) VALUES(?)\", \"y\"]]");
        for (String level : List.of("none", "weak", "linearizable")) {
            call("GET", base + "/db/query?level=" + level + "&q=SELECT%20*%20FROM%20t", null);
        }
        call("POST", base + "/db/request", "[\"SELECT COUNT(*) FROM t\"]");
        for (String path : List.of("/readyz", "/status", "/nodes", "/metrics", "/db/backup")) {
            call("GET", base + path, null);
        }
    }

    private static void call(String method, String url, String json) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(10_000);
        c.setReadTimeout(30_000);
        if (json != null) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(json.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            if (in != null) {
                in.readAllBytes();
            }
        }
        if (status != 200) {
            throw new IOException(method + " " + url + " answered " + status);
        }
    }

    /**
     * Loads the etcd and Consul clients' classes (gRPC, HTTP) with one read each against a port where
     * nothing listens: it fails at once, and that failure is expected.
     */
    private static void touchDiscoveryClients(String host, Path dir) throws IOException, UsageException {
        int closed = freePort(host);
        List<String[]> modes = new ArrayList<>();
        modes.add(new String[]{"etcd-kv", "{\"endpoints\":[\"http://" + host + ":" + closed + "\"],"
                + "\"dial-timeout\":\"1s\",\"request-timeout\":\"1s\"}"});
        modes.add(new String[]{"consul-kv", "{\"address\":\"" + host + ":" + closed + "\",\"timeout\":\"1s\"}"});
        DiscoveryClients clients = DiscoveryClients.load(CdsTraining.class.getClassLoader());
        for (String[] m : modes) {
            if (!clients.modes().contains(m[0])) {
                continue;
            }
            String[] args = {"-disco-mode", m[0], "-disco-config", m[1], dir.resolve("unused").toString()};
            NodeSettings s = ((SettingsResolver.Run) SettingsResolver.resolve(args, Map.of())).settings();
            try (DiscoveryClient client = clients.create(s.discovery().mode(), s.discovery().config())) {
                client.read();
            } catch (RuntimeException | io.raftlite.discovery.DiscoveryException expected) {
                // nothing listens there
            }
        }
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("raftlite: could not delete " + dir + ": " + e.getMessage());
        }
    }
}

package io.raftlite.server.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Certificates made the way an operator makes them, by {@code raftlite tls} from the real jar, for ITs that start
 * TLS nodes. The flags a test passes to a node are the ones the command printed, so a node that starts with
 * them also proves the printed advice right.
 */
final class TlsFiles {

    private static final Duration EXIT = Duration.ofSeconds(60);

    private final Path dir;

    private TlsFiles(Path dir) {
        this.dir = dir;
    }

    /** {@code raftlite tls ca create -dir DIR}: a new CA in {@code dir}. */
    static TlsFiles createCa(Path dir) throws Exception {
        run("tls", "ca", "create", "-dir", dir.toString(), "-days", "2");
        return new TlsFiles(dir);
    }

    Path dir() {
        return dir;
    }

    Path caCert() {
        return dir.resolve("ca.pem");
    }

    /**
     * {@code raftlite tls cert create -node-id ID -addr HOSTS}; returns the flags it printed for the node: the
     * {@code -node-*} line, then the {@code -http-*} line (six flags with their values each).
     */
    List<List<String>> node(String nodeId, String... hosts) throws Exception {
        String out = run("tls", "cert", "create", "-node-id", nodeId, "-addr", String.join(",", hosts),
                "-dir", dir.toString(), "-days", "2").stdout();
        List<List<String>> lines = new ArrayList<>();
        for (String line : out.lines().toList()) {
            String flags = line.strip();
            if (flags.startsWith("-node-cert ") || flags.startsWith("-http-cert ")) {
                lines.add(Arrays.asList(flags.split(" ")));
            }
        }
        if (lines.size() != 2) {
            throw new AssertionError("raftlite tls cert create printed no -node-*/-http-* flag lines: " + out);
        }
        return lines;
    }

    /** The {@code -node-*} flags for node {@code nodeId}, made with {@link #node}. */
    List<String> nodeFlags(String nodeId, String... hosts) throws Exception {
        return node(nodeId, hosts).get(0);
    }

    /** {@code raftlite tls cert create -client -name NAME}: the client's certificate; its key is NAME-key.pem. */
    Path client(String name) throws Exception {
        run("tls", "cert", "create", "-client", "-name", name, "-dir", dir.toString(), "-days", "2");
        return dir.resolve(name + ".pem");
    }

    private static NodeProcess.Result run(String... args) throws Exception {
        NodeProcess.Result r = NodeProcess.run(EXIT, args);
        if (r.exitCode() != 0) {
            throw new AssertionError("raftlite " + String.join(" ", args) + " exited " + r.exitCode() + ": "
                    + r.stderr());
        }
        return r;
    }
}

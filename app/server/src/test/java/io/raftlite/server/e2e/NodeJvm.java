package io.raftlite.server.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The JVM options a test starts a node with: the ones the package ships (config/default.env's JAVA_OPTS), and
 * the class data archive the package's launcher makes, made once per test JVM in {@code target/it-cds} by that
 * same launcher. A node then starts as it does on a host: on 2 cores, about 1.9 s of CPU to ready against 5.5 s
 * with the JVM's defaults, which is most of what the process tests spend.
 */
public final class NodeJvm {

    private static List<String> options;

    private NodeJvm() {
    }

    /** The shipped JAVA_OPTS, then the archive's options when one could be made; a test's own options go after. */
    public static synchronized List<String> options() {
        if (options == null) {
            List<String> all = new ArrayList<>(shippedOptions());
            all.addAll(archiveOptions(all));
            options = List.copyOf(all);
        }
        return options;
    }

    /** config/default.env's JAVA_OPTS, read from the file, never copied. */
    private static List<String> shippedOptions() {
        Path env = defaultEnv();
        try {
            for (String line : Files.readAllLines(env)) {
                String t = line.strip();
                if (t.startsWith("JAVA_OPTS=")) {
                    String v = t.substring("JAVA_OPTS=".length()).replaceAll("^[\"']|[\"']$", "").strip();
                    return List.of(v.split("\\s+"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no JAVA_OPTS= line in " + env);
    }

    /** The built jar, as an absolute path: the archive names the class path it was made with. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("raftlite.jar", "target/raftlite.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("raftlite.jar not built at " + jar + "; run the tests with ./mvnw verify");
        }
        return jar;
    }

    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Runs {@code raftlite --make-cds-archive} (the launcher checks that the archive serves a start before it names
     * it); without an archive the nodes start with the JVM's defaults for class data, only slower.
     */
    private static List<String> archiveOptions(List<String> javaOpts) {
        Path launcher = Path.of(System.getProperty("raftlite.launcher", "src/deb/bin/raftlite")).toAbsolutePath();
        Path dir = jar().resolveSibling("it-cds");
        try {
            ProcessBuilder builder = new ProcessBuilder("sh", launcher.toString(), "--make-cds-archive")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolveSibling("it-cds.log").toFile()));
            builder.environment().put("RAFTLITE_JAR", jar().toString());
            builder.environment().put("RAFTLITE_CDS_DIR", dir.toString());
            builder.environment().put("JAVA_OPTS", String.join(" ", javaOpts));
            builder.environment().put("JAVA_HOME", System.getProperty("java.home")); // the java that runs the nodes
            Process p = builder.start();
            p.getOutputStream().close();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("the launcher did not finish in 5 minutes");
            }
            if (p.exitValue() != 0) {
                throw new IOException("the launcher exited with " + p.exitValue() + " (target/it-cds.log)");
            }
            try (Stream<Path> files = Files.list(dir)) {
                Path archive = files.filter(f -> f.getFileName().toString().matches("raftlite-[0-9]+\\.jsa"))
                        .findFirst().orElseThrow(() -> new IOException("no archive in " + dir));
                return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds=off",
                        "-Xlog:cds+dynamic=off");
            }
        } catch (IOException e) {
            System.err.println("[NodeJvm] NO CLASS DATA ARCHIVE, nodes start slower: " + e.getMessage());
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private static Path defaultEnv() {
        String configured = System.getProperty("raftlite.default.env");
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("config/default.env"))) {
                return dir.resolve("config/default.env");
            }
        }
        throw new IllegalStateException("config/default.env not found above " + Path.of("").toAbsolutePath());
    }
}

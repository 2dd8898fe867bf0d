package io.raftlite.discovery.tck;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds a program the tests start for real (etcd, dnsmasq, consul). When it is missing, a test is skipped
 * with a loud message locally and fails under CI ({@code CI=true}), where {@code .ci/run} installs it.
 */
public final class ExternalBinary {

    private ExternalBinary() {
    }

    /** The program's path on PATH or in {@code /usr/sbin}, {@code /sbin}, {@code /usr/bin}; empty when absent. */
    public static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + File.pathSeparator + "/usr/sbin:/sbin:/usr/bin").split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The program's path, or skips (locally) or fails (under CI) the calling test. */
    public static Path require(String name, String debianPackage) {
        Optional<Path> p = find(name);
        if (p.isPresent()) {
            return p.get();
        }
        String msg = "\n*** " + name + " is not installed (Debian package " + debianPackage + "): tests that need it "
                + "are SKIPPED. Install it with: apt-get install -y " + debianPackage + " ***\n";
        if (underCi()) {
            Assertions.fail(msg + "CI=true turns this skip into a failure.");
        }
        System.err.println(msg);
        Assumptions.abort(msg);
        throw new IllegalStateException("unreachable");
    }

    /** Like {@link #require} but never fails under CI: for optional extras such as a real consul binary. */
    public static Optional<Path> optional(String name) {
        Optional<Path> p = find(name);
        if (p.isEmpty()) {
            System.err.println("(" + name + " is not on PATH: the tests that use a real " + name + " are skipped)");
        }
        return p;
    }

    /** Whether this run is CI, where skips for missing binaries are failures. */
    public static boolean underCi() {
        return List.of("true", "1", "yes").contains(System.getenv().getOrDefault("CI", "").toLowerCase());
    }
}

package io.raftlite.server.e2e;

import io.raftlite.core.tls.PemFiles;
import io.raftlite.discovery.tck.ExternalBinary;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rqlite's own JavaScript client (rqlite-js 2.5.7, run by {@code node}) against the real jar over HTTPS with
 * {@code -auth}: writes with parameters, every read level, errors, status, an SQL backup, and the refusals a
 * query-only user, a wrong password and no credentials get (src/test/resources/rqlite-js/checks.js). The client
 * is installed by {@code .ci/run} into {@code RQLITE_JS_DIR} (default /opt/rqlite-js); without it, or without
 * node, the test skips loudly, and fails under {@code CI=true}. Node on 127.0.6.1.
 */
class RqliteJsIT {

    private static final Duration CHECKS = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    @Test
    void rqliteJsPassesItsChecksWithCredentialsOverHttps() throws Exception {
        Path node = ExternalBinary.require("node", "nodejs");
        Path module = requireRqliteJs();
        TlsFiles pki = TlsFiles.createCa(tmp.resolve("pki"));
        String adminPassword = "admin-" + new SecureRandom().nextInt(1_000_000);
        Path auth = tmp.resolve("auth.json");
        Files.writeString(auth, "[{\"username\": \"admin\", \"password\": \"" + adminPassword + "\", \"perms\": [\"all\"]},"
                + " {\"username\": \"reader\", \"password\": \"" + OpenBSDBCrypt.generate("2b", "reader-pw".toCharArray(),
                new SecureRandom().generateSeed(16), 10) + "\", \"perms\": [\"query\"]},"
                + " {\"username\": \"*\", \"perms\": [\"status\", \"ready\"]}]"); // as rqlite's example file
        Files.setPosixFilePermissions(auth, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        SSLContext client = TlsClients.trusting(PemFiles.readCertificates(pki.caCert()).get(0));
        try (NodeProcess n = NodeProcess.prepare("127.0.6.1", tmp.resolve("data")).https(client)) {
            List<String> flags = new ArrayList<>(List.of("-node-id", "js1", "-auth", auth.toString()));
            flags.addAll(pki.node("js1", "127.0.6.1").get(1)); // the -http-* flags raftlite tls printed
            n.launch(flags.toArray(String[]::new));
            n.awaitReady(Duration.ofSeconds(120));

            Path script = tmp.resolve("checks.js");
            try (InputStream in = RqliteJsIT.class.getResourceAsStream("/rqlite-js/checks.js")) {
                Files.write(script, in.readAllBytes());
            }
            Process p = new ProcessBuilder(node.toString(), script.toString(), module.toString(),
                    "https://127.0.6.1:" + n.httpPort, pki.caCert().toString(), "admin", adminPassword, "reader",
                    "reader-pw").redirectErrorStream(true).start();
            try {
                boolean done = p.waitFor(CHECKS.toSeconds(), TimeUnit.SECONDS);
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                System.out.println(out);
                assertTrue(done, "rqlite-js checks did not finish in " + CHECKS + ":\n" + out);
                assertEquals(0, p.exitValue(), "rqlite-js checks failed:\n" + out);
                assertTrue(out.contains(", 0 failed") && !out.contains("FAIL"), out);
                assertTrue(!Files.readString(n.log).contains(adminPassword), "the password reached the node's log");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    /** The directory {@code npm install --prefix DIR rqlite-js@2.5.7 @babel/runtime@7} made, or skip/fail. */
    private static Path requireRqliteJs() {
        Path dir = Path.of(System.getenv().getOrDefault("RQLITE_JS_DIR", "/opt/rqlite-js"));
        if (Files.isRegularFile(dir.resolve("node_modules/rqlite-js/package.json"))) {
            return dir;
        }
        String msg = "\n*** rqlite-js is not installed in " + dir + ": RqliteJsIT is SKIPPED. Install it with: npm install"
                + " --prefix " + dir + " rqlite-js@2.5.7 @babel/runtime@7 (or set RQLITE_JS_DIR) ***\n";
        if (ExternalBinary.underCi()) {
            Assertions.fail(msg + "CI=true turns this skip into a failure.");
        }
        System.err.println(msg);
        Assumptions.abort(msg);
        throw new IllegalStateException("unreachable");
    }
}

package io.raftlite.server.e2e;

import io.raftlite.core.tls.PemFiles;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client commands of the real jar ({@code raftlite query|exec|status|backup|restore}), each a separate process,
 * against real nodes on 127.0.19.x: a plain node, then one with HTTPS, mutual TLS and {@code -auth}, with
 * certificates made by {@code raftlite tls}. Checks what a script relies on: output and exit codes.
 */
class CliIT extends ProcessFixture {

    @Test
    void queryExecStatusBackupAndRestoreAgainstAPlainNode() throws Exception {
        NodeProcess node = NodeProcess.start("127.0.19.11", tmp.resolve("plain"));
        nodes.add(node);
        String h = node.host + ":" + node.httpPort;
        assertEquals(0, cli(Map.of(), "exec", "-H", h, "CREATE TABLE foo (id INTEGER PRIMARY KEY, name TEXT)").code());
        Run insert = cli(Map.of(), "exec", "-H", h, "INSERT INTO foo(name) VALUES(?)", "fiona");
        assertEquals(new Run(0, "1 row affected (last insert id 1)\n", ""), insert);
        Run rows = cli(Map.of(), "query", "-H", h, "SELECT id, name FROM foo");
        assertEquals(0, rows.code(), rows.err());
        assertTrue(rows.out().contains("| 1  | fiona |"), rows.out());
        Run json = cli(Map.of(), "query", "-H", h, "-json", "SELECT name FROM foo WHERE id = ?", "1");
        assertTrue(json.out().contains("\"values\":[[\"fiona\"]]"), json.out());

        Run sqlError = cli(Map.of(), "query", "-H", h, "SELECT * FROM nope");
        assertEquals(1, sqlError.code());
        assertTrue(sqlError.err().contains("no such table: nope"), sqlError.err());
        Run status = cli(Map.of(), "status", "-H", h);
        assertEquals(0, status.code(), status.err());
        assertTrue(status.out().contains("state:         Leader, ready true"), status.out());

        Path backup = tmp.resolve("foo.sqlite");
        assertEquals(0, cli(Map.of(), "backup", "-H", h, backup.toString()).code());
        assertTrue(new String(Files.readAllBytes(backup), 0, 15, StandardCharsets.US_ASCII).equals("SQLite format 3"));
        assertEquals(0, cli(Map.of(), "exec", "-H", h, "DROP TABLE foo").code());
        Run restore = cli(Map.of(), "restore", "-H", h, backup.toString());
        assertEquals(0, restore.code(), restore.err());
        assertTrue(cli(Map.of(), "query", "-H", h, "SELECT name FROM foo").out().contains("fiona"), "restored");

        // raftlite watch -once against the node's real GET /db/watch: it prints the change to foo and exits
        Path watchLog = tmp.resolve("watch.log");
        Process watch = NodeProcess.spawn(watchLog, "watch", "-H", h, "-tables", "foo", "-once");
        try {
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            while (watch.isAlive() && System.nanoTime() < deadline) { // until its baseline has seen one of them
                assertEquals(0, cli(Map.of(), "exec", "-H", h, "INSERT INTO foo(name) VALUES('watched')").code());
                watch.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            assertTrue(!watch.isAlive(), "raftlite watch -once did not return after writes to foo");
            assertEquals(0, watch.exitValue(), Files.readString(watchLog));
            assertTrue(Files.readString(watchLog).matches("(?s)\\d+ foo\\s*"), Files.readString(watchLog));
        } finally {
            watch.destroyForcibly().waitFor();
        }

        assertEquals(3, cli(Map.of(), "status", "-H", node.host + ":" + NodeProcess.freePort(node.host)).code(),
                "nothing listens there");
        assertEquals(2, cli(Map.of(), "query", "-H", h).code(), "no SQL");
    }

    @Test
    void httpsWithAClientCertificateAndAuth() throws Exception {
        String host = "127.0.19.12";
        TlsFiles pki = TlsFiles.createCa(tmp.resolve("pki"));
        List<String> httpFlags = pki.node("n1", host).get(1);
        Path clientCert = pki.client("ops");
        Path clientKey = pki.dir().resolve("ops-key.pem");
        Path auth = tmp.resolve("auth.json");
        Files.writeString(auth, """
                [{"username": "bob", "password": "secret1", "perms": ["all"]},
                 {"username": "mary", "password": "secret2", "perms": ["query"]},
                 {"username": "*", "perms": ["status", "ready"]}]
                """);
        Files.setPosixFilePermissions(auth, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        List<String> flags = new ArrayList<>(httpFlags);
        flags.addAll(List.of("-http-verify-client", "-auth", auth.toString()));
        NodeProcess node = NodeProcess.prepare(host, tmp.resolve("tls"))
                .https(clientContext(pki.caCert(), clientCert, clientKey));
        nodes.add(node);
        node.launch(flags.toArray(String[]::new));
        node.awaitReady(java.time.Duration.ofSeconds(120));

        List<String> tls = List.of("-H", host + ":" + node.httpPort, "-http-ca-cert", pki.caCert().toString(),
                "-http-cert", clientCert.toString(), "-http-key", clientKey.toString());
        Map<String, String> bob = Map.of("RAFTLITE_PASSWORD", "secret1");
        assertEquals(0, cli(bob, with(tls, "exec", "-u", "bob", "CREATE TABLE t (v TEXT)")).code());
        Run read = cli(Map.of("RAFTLITE_PASSWORD", "secret2"), with(tls, "query", "-u", "mary", "SELECT count(*) FROM t"));
        assertEquals(0, read.code(), read.err());
        Run forbidden = cli(Map.of("RAFTLITE_PASSWORD", "secret2"), with(tls, "exec", "-u", "mary", "DROP TABLE t"));
        assertEquals(4, forbidden.code(), "403: mary may not write");
        Run anonymous = cli(Map.of(), with(tls, "query", "SELECT 1"));
        assertEquals(4, anonymous.code(), "401 without -u");
        Run wrong = cli(Map.of("RAFTLITE_PASSWORD", "nope"), with(tls, "query", "-u", "bob", "SELECT 1"));
        assertEquals(4, wrong.code());
        assertFalse((wrong.out() + wrong.err()).contains("nope"), "the password is never printed");
        assertEquals(0, cli(Map.of(), with(tls, "status")).code(), "status is granted to everyone");

        Run noCa = cli(bob, "query", "-H", "https://" + host + ":" + node.httpPort, "-u", "bob", "SELECT 1");
        assertEquals(3, noCa.code(), "the JDK's CAs do not know raftlite's CA");
        Run noClientCert = cli(bob, "query", "-H", host + ":" + node.httpPort, "-http-ca-cert", pki.caCert().toString(),
                "-u", "bob", "SELECT 1");
        assertEquals(3, noClientCert.code(), "-http-verify-client refuses the handshake");
        Run plain = cli(bob, "query", "-H", host + ":" + node.httpPort, "-u", "bob", "SELECT 1");
        assertEquals(3, plain.code(), "http:// to an HTTPS port: the node's 400");
    }

    private static String[] with(List<String> flags, String command, String... rest) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(flags);
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    /**
     * {@code raftlite shell} on a real terminal (a pseudo-terminal from util-linux's {@code script}): JLine's system
     * terminal, not its dumb fallback, so the cursor keys edit the line. Typed: {@code SELECT 1+2}, two cursor-left
     * keys, {@code 0}: what runs is {@code SELECT 10+2}. A dumb terminal would pass the escape sequences on as SQL.
     */
    @Test
    void theShellEditsLinesOnARealTerminal() throws Exception {
        Path script = io.raftlite.discovery.tck.ExternalBinary.require("script", "bsdutils");
        NodeProcess node = NodeProcess.start("127.0.19.13", tmp.resolve("shell"));
        nodes.add(node);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "stty cols 120 rows 40; exec '" + java + "' -jar '" + NodeProcess.jar() + "' shell -H "
                + node.host + ":" + node.httpPort;
        ProcessBuilder b = new ProcessBuilder(script.toString(), "-qfec", command, "/dev/null").redirectErrorStream(true);
        Path home = Files.createDirectories(tmp.resolve("home"));
        b.environment().put("HOME", home.toString());
        b.environment().put("TERM", "xterm");
        Process p = b.start();
        StringBuffer screen = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (var in = p.getInputStream()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) {
                    screen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (java.io.IOException e) {
                // the terminal closed
            }
        });
        reader.start();
        try {
            String prompt = node.host + ":" + node.httpPort + "> ";
            awaitScreen(screen, prompt, 1); // JLine shows the prompt once the terminal is raw
            var keys = p.getOutputStream();
            keys.write("SELECT 1+2\u001bOD\u001bOD0\r".getBytes(StandardCharsets.US_ASCII));
            keys.flush();
            awaitScreen(screen, "| 12 ", 1);
            awaitScreen(screen, prompt, 2); // between lines the terminal is cooked, and would take Ctrl-D as EOF
            keys.write(4); // Ctrl-D
            keys.flush();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the shell did not leave on Ctrl-D: " + screen);
            assertEquals(0, p.exitValue(), screen.toString());
            assertEquals(List.of("SELECT 10+2"), Files.readAllLines(home.resolve(".raftlite_history")).stream()
                    .map(l -> l.replaceFirst("^\\d+:", "")).toList());
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            reader.join(5_000);
        }
    }

    private static void awaitScreen(StringBuffer screen, String text, int times) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (screen.toString().split(java.util.regex.Pattern.quote(text), -1).length - 1 < times) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no \"" + text + "\" on the terminal: " + screen);
            }
            Thread.sleep(50);
        }
    }

    record Run(int code, String out, String err) {
    }

    /** {@code java -jar raftlite.jar <args>} with this environment; stdin is empty (no terminal to prompt on). */
    private Run cli(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", NodeProcess.jar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        b.environment().remove("RAFTLITE_PASSWORD");
        b.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "cli", ".out");
        Path err = Files.createTempFile(tmp, "cli", ".err");
        Process p = b.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("raftlite " + String.join(" ", args) + " did not exit");
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            p.destroyForcibly();
        }
    }

    private static SSLContext clientContext(Path ca, Path cert, Path key) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", PemFiles.readCertificates(ca).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        char[] pw = "test".toCharArray();
        keys.setKeyEntry("client", PemFiles.readPrivateKey(key), pw,
                PemFiles.readCertificates(cert).toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, pw);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }
}

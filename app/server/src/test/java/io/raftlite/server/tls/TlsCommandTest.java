package io.raftlite.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftlite.core.tls.NodeIdentity;
import io.raftlite.core.tls.PemFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tls commands in-process: files, modes, SANs, refusals, exit codes and what they print. */
class TlsCommandTest {

    @TempDir
    Path cwd;

    private record Run(int code, String out, String err) {
    }

    private Run tls(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = TlsCommand.run(args, cwd, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void caAndNodeCertificateGoToTheCurrentDirectoryWithTheirModesNamesAndFlags() throws Exception {
        Run ca = tls("ca", "create");
        assertEquals(0, ca.code(), ca.err());
        assertEquals("rw-------", mode(cwd.resolve("ca-key.pem")));
        assertEquals("rw-r--r--", mode(cwd.resolve("ca.pem")));
        assertTrue(ca.out().contains(cwd.resolve("ca.pem").toString()), ca.out());

        Run node = tls("cert", "create", "-node-id", "n1", "-addr", "db1.example.org,127.0.13.7,::1");
        assertEquals(0, node.code(), node.err());
        assertEquals("rw-------", mode(cwd.resolve("n1-key.pem")));
        X509Certificate cert = PemFiles.readCertificates(cwd.resolve("n1.pem")).get(0);
        assertEquals(Optional.of("n1"), NodeIdentity.of(cert));
        assertEquals(Set.of(List.of(6, "urn:raftlite:node:n1"), List.of(2, "db1.example.org"),
                List.of(7, "127.0.13.7"), List.of(7, "0:0:0:0:0:0:0:1")), new HashSet<>(cert.getSubjectAlternativeNames()));
        assertTrue(cert.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")));
        validate(cert, PemFiles.readCertificates(cwd.resolve("ca.pem")).get(0));
        for (String flag : List.of("-node-cert " + cwd.resolve("n1.pem"), "-node-key " + cwd.resolve("n1-key.pem"),
                "-node-ca-cert " + cwd.resolve("ca.pem"), "-http-cert ", "-http-key ", "-http-ca-cert ")) {
            assertTrue(node.out().contains(flag), flag + " in " + node.out());
        }
        assertFalse(node.out().contains("PRIVATE KEY") || ca.out().contains("PRIVATE KEY"));
    }

    @Test
    void clientCertificateInAnotherDirectoryWithAnExplicitCa() throws Exception {
        assertEquals(0, tls("ca", "create", "-dir", "pki", "-name", "Acme CA", "-days", "30").code());
        Run client = tls("cert", "create", "-client", "-name", "alice", "-dir", "clients",
                "-ca-cert", "pki/ca.pem", "-ca-key", "pki/ca-key.pem");
        assertEquals(0, client.code(), client.err());
        X509Certificate cert = PemFiles.readCertificates(cwd.resolve("clients/alice.pem")).get(0);
        assertEquals("CN=alice", cert.getSubjectX500Principal().getName());
        assertEquals("CN=Acme CA", cert.getIssuerX500Principal().getName());
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage());
        assertEquals("rwx------", mode(cwd.resolve("clients")));
        assertTrue(client.out().contains("curl --cacert"), client.out());
    }

    @Test
    void existingFilesAreKeptUnlessForced() throws Exception {
        assertEquals(0, tls("ca", "create").code());
        String before = Files.readString(cwd.resolve("ca.pem"));
        Run again = tls("ca", "create");
        assertEquals(1, again.code());
        assertOneLine(again.err(), "ca.pem exists");
        assertEquals(before, Files.readString(cwd.resolve("ca.pem")));

        assertEquals(0, tls("cert", "create", "-node-id", "n1", "-addr", "127.0.13.1").code());
        Files.delete(cwd.resolve("n1.pem")); // only the key left: still refused, and the key is kept
        String key = Files.readString(cwd.resolve("n1-key.pem"));
        assertOneLine(tls("cert", "create", "-node-id", "n1", "-addr", "127.0.13.1").err(), "n1-key.pem exists");
        assertEquals(key, Files.readString(cwd.resolve("n1-key.pem")));

        assertEquals(0, tls("ca", "create", "-force").code());
        assertFalse(before.equals(Files.readString(cwd.resolve("ca.pem"))), "-force replaces the CA");
    }

    @Test
    void commandLineErrorsAreOneLineAndExitTwo() throws Exception {
        assertEquals(0, tls("ca", "create").code());
        String[][] bad = {
            {"cert", "create", "-node-id", "n1", "-addr", "10.0.0.5:4002"},
            {"cert", "create", "-node-id", "n1", "-addr", "a,,b"},
            {"cert", "create", "-node-id", "n1", "-addr", "bad host"},
            {"cert", "create", "-node-id", "n1"},
            {"cert", "create", "-addr", "127.0.13.1"},
            {"cert", "create", "-node-id", "../etc/x", "-addr", "127.0.13.1"},
            {"cert", "create", "-client", "-name", "bob", "-addr", "127.0.13.1"},
            {"cert", "create", "-client"},
            {"ca", "create", "-days", "0"},
            {"ca", "create", "-days", "many"},
            {"ca", "create", "-no-such-flag"},
            {"ca", "delete"},
            {"cert", "create", "-node-id"},
        };
        for (String[] args : bad) {
            Run r = tls(args);
            assertEquals(2, r.code(), String.join(" ", args) + " -> " + r.err());
            assertOneLine(r.err(), "tls");
        }
        Run r = tls("cert", "create", "-node-id", "n1", "-addr", "10.0.0.5:4002");
        assertTrue(r.err().contains("'10.0.0.5:4002'") && r.err().contains("without ports"), r.err());
        try (var files = Files.list(cwd)) {
            assertEquals(Set.of("ca.pem", "ca-key.pem"),
                    files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    void aMissingCaOrAnOpenCaKeyIsOneLineAndExitOne() throws Exception {
        Run none = tls("cert", "create", "-node-id", "n1", "-addr", "127.0.13.1");
        assertEquals(1, none.code());
        assertOneLine(none.err(), "raftlite tls ca create");

        assertEquals(0, tls("ca", "create").code());
        Files.setPosixFilePermissions(cwd.resolve("ca-key.pem"), PosixFilePermissions.fromString("rw-r--r--"));
        Run open = tls("cert", "create", "-node-id", "n1", "-addr", "127.0.13.1");
        assertEquals(1, open.code());
        assertOneLine(open.err(), "chmod 600");
        assertFalse(Files.exists(cwd.resolve("n1.pem")));
    }

    @Test
    void helpListsTheCommands() {
        for (String[] args : new String[][] {{}, {"-h"}, {"ca", "create", "-h"}}) {
            Run r = tls(args);
            assertEquals(0, r.code());
            assertTrue(r.out().contains("raftlite tls ca create") && r.out().contains("-node-id ID"), r.out());
        }
    }

    private static void assertOneLine(String err, String contains) {
        assertEquals(1, err.strip().lines().count(), err);
        assertTrue(err.contains(contains) && !err.contains("Exception"), err);
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static void validate(X509Certificate cert, X509Certificate ca) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), params);
    }
}

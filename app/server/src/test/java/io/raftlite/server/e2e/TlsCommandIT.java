package io.raftlite.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftlite.core.tls.NodeIdentity;
import io.raftlite.core.tls.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar raftlite.jar tls ...} end to end: the CA in the box as an operator runs it. */
class TlsCommandIT {

    private static final Duration EXIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void caThenNodeAndClientCertificatesThenRefusals() throws Exception {
        Path tls = tmp.resolve("tls");
        String dir = tls.toString();
        TlsFiles files = TlsFiles.createCa(tls);
        assertEquals("rw-------", mode(tls.resolve("ca-key.pem")));

        List<List<String>> flags = files.node("n1", "127.0.13.1", "localhost");
        assertEquals(List.of("-node-cert", dir + "/n1.pem", "-node-key", dir + "/n1-key.pem",
                "-node-ca-cert", dir + "/ca.pem"), flags.get(0));
        assertEquals(List.of("-http-cert", dir + "/n1.pem", "-http-key", dir + "/n1-key.pem",
                "-http-ca-cert", dir + "/ca.pem"), flags.get(1));
        X509Certificate cert = PemFiles.readCertificates(tls.resolve("n1.pem")).get(0);
        assertEquals(Optional.of("n1"), NodeIdentity.of(cert));
        assertEquals("rw-------", mode(tls.resolve("n1-key.pem")));

        Path client = files.client("ops");
        assertTrue(Files.exists(client) && Files.exists(tls.resolve("ops-key.pem")));

        NodeProcess.Result again = NodeProcess.run(EXIT, "tls", "cert", "create", "-node-id", "n1",
                "-addr", "127.0.13.1", "-dir", dir);
        assertEquals(1, again.exitCode(), again.stderr());
        assertOneLine(again, "n1.pem exists");

        NodeProcess.Result badAddr = NodeProcess.run(EXIT, "tls", "cert", "create", "-node-id", "n2",
                "-addr", "127.0.13.2:4002", "-dir", dir);
        assertEquals(2, badAddr.exitCode(), badAddr.stderr());
        assertOneLine(badAddr, "-addr");
        assertFalse(Files.exists(Path.of(dir, "n2.pem")));

        NodeProcess.Result help = NodeProcess.run(EXIT, "-h");
        assertTrue(help.stdout().contains("raftlite tls -h"), "the node's help points to the tls commands");
    }

    private static void assertOneLine(NodeProcess.Result r, String contains) {
        assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
        assertTrue(r.stderr().contains(contains) && !r.stderr().contains("\tat "), r.stderr());
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}

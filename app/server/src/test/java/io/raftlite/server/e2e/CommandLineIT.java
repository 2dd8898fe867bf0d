package io.raftlite.server.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line as an operator meets it: one-line errors with exit 2, help, version, node id rules. */
class CommandLineIT {

    @TempDir
    Path tmp;

    @Test
    void badFlagsAndValuesExitTwoWithOneLine() throws Exception {
        for (String[] args : new String[][]{{"-no-such-flag", "x"}, {"-http-addr", "nowhere"}, {"-raft-snap", "-1"},
                {"-raft-apply-timeout", "forever"}, {"-http-addr", "127.0.0.34:4001", "-raft-addr", "127.0.0.34:4001"},
                {"-bootstrap-expect", "3"}, {"-bootstrap-expect", "3", "-join", "127.0.0.34:4002", "-raft-non-voter"},
                {"-raft-max-voters", "4"}}) {
            NodeProcess.Result r = NodeProcess.run(Duration.ofSeconds(30), args);
            assertEquals(2, r.exitCode(), String.join(" ", args) + " -> " + r.stderr());
            assertEquals(1, r.stderr().strip().lines().count(), "one line: " + r.stderr());
            assertFalse(r.stderr().contains("Exception") || r.stderr().contains("\tat "), r.stderr());
        }
    }

    @Test
    void aTakenPortIsOneLineAndExitOne() throws Exception {
        int port = NodeProcess.freePort("127.0.0.34");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.34"))) {
            NodeProcess.Result r = NodeProcess.run(Duration.ofSeconds(30), "-raft-addr", "127.0.0.34:" + port,
                    "-http-addr", "127.0.0.34:" + NodeProcess.freePort("127.0.0.34"), tmp.resolve("d").toString());
            assertEquals(1, r.exitCode(), r.stderr());
            assertTrue(r.stderr().strip().lines().count() == 1 && r.stderr().contains("-raft-addr 127.0.0.34:" + port),
                    r.stderr());
        }
    }

    @Test
    void helpAndVersion() throws Exception {
        NodeProcess.Result help = NodeProcess.run(Duration.ofSeconds(30), "-h");
        assertEquals(0, help.exitCode());
        assertTrue(help.stdout().contains("-http-addr") && help.stdout().contains("RAFTLITE_HTTP_ADDR"), help.stdout());
        NodeProcess.Result version = NodeProcess.run(Duration.ofSeconds(30), "--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.stdout().matches("raftlite \\S+\\R"), version.stdout());
    }

    @Test
    void aDataDirectoryKeepsItsNodeId() throws Exception {
        Path data = tmp.resolve("d1");
        try (NodeProcess node = NodeProcess.start("127.0.0.34", data, "-node-id", "n1")) {
            assertTrue(node.get("/status").body().contains("\"id\":\"n1\""));
            assertEquals(0, node.stop());
        }
        assertEquals("n1", Files.readString(data.resolve("node-id")).strip());
        NodeProcess.Result r = NodeProcess.run(Duration.ofSeconds(30), "-node-id", "n2",
                "-http-addr", "127.0.0.34:" + NodeProcess.freePort("127.0.0.34"),
                "-raft-addr", "127.0.0.34:" + NodeProcess.freePort("127.0.0.34"), data.toString());
        assertEquals(2, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("belongs to node 'n1'"), r.stderr());
    }
}

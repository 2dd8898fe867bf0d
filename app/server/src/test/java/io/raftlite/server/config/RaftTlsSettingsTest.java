package io.raftlite.server.config;

import io.raftlite.core.store.TlsConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code -node-*} flags and the refusal of a plaintext Raft port on a routable address. */
class RaftTlsSettingsTest {

    private static NodeSettings run(String... args) throws UsageException {
        return ((SettingsResolver.Run) SettingsResolver.resolve(args, Map.of())).settings();
    }

    private static String refusal(String... args) {
        return assertThrows(UsageException.class, () -> run(args)).getMessage();
    }

    @Test
    void loopbackWithoutTlsStartsAsBefore() throws UsageException {
        assertNull(run().raftTls());
        assertNull(run("-raft-addr", "127.0.16.9:4002").raftTls());
        assertNull(run("-raft-addr", "localhost:4002").raftTls());
        assertNull(run("-raft-addr", "[::1]:4002", "-http-addr", "[::1]:4001").raftTls());
    }

    @Test
    void aRoutableRaftAddressWithoutTlsIsRefusedWithOneLineNamingTheWayOut() {
        for (String[] args : new String[][]{
                {"-raft-addr", "10.0.0.11:4002"},
                {"-raft-addr", "0.0.0.0:4002", "-raft-adv-addr", "127.0.0.1:4002"},
                {"-raft-addr", "127.0.16.9:4002", "-raft-adv-addr", "10.255.255.1:4002"},
                {"-raft-addr", "db1.example.com:4002"},
                {"-raft-addr", "[fd00::1]:4002"}}) {
            String why = refusal(args);
            assertTrue(why.contains("without TLS") && why.contains("-node-cert") && why.contains("-raft-insecure"),
                    String.join(" ", args) + ": " + why);
            assertFalse(why.contains("\n"), why);
        }
    }

    @Test
    void raftInsecureIsTheOperatorsExplicitChoice() throws UsageException {
        assertNull(run("-raft-addr", "10.0.0.11:4002", "-raft-insecure").raftTls());
        assertTrue(refusal("-raft-addr", "10.0.0.11:4002", "-raft-insecure=false").contains("-raft-insecure"));
    }

    @Test
    void nodeCertificatesGiveMutualTlsWithTheHostDialedChecked() throws UsageException {
        TlsConfig tls = run("-raft-addr", "10.0.0.11:4002", "-node-cert", "/tls/n.crt", "-node-key", "/tls/n.key",
                "-node-ca-cert", "/tls/ca.crt").raftTls();
        assertEquals(new TlsConfig(Path.of("/tls/n.crt"), Path.of("/tls/n.key"), Path.of("/tls/ca.crt"), true, null,
                false), tls);
        TlsConfig relaxed = run("-node-cert", "c", "-node-key", "k", "-node-ca-cert", "ca", "-node-verify-client=false",
                "-node-verify-server-name", "raft.internal").raftTls();
        assertFalse(relaxed.verifyClient());
        assertEquals("raft.internal", relaxed.verifyServerName());
        TlsConfig noVerify = run("-node-cert", "c", "-node-key", "k", "-node-no-verify").raftTls();
        assertTrue(noVerify.noVerify());
        assertNull(noVerify.caFile());
    }

    @Test
    void incompleteTlsFlagsAreOneLineReasons() {
        assertTrue(refusal("-node-cert", "c").contains("-node-cert and -node-key go together"));
        assertTrue(refusal("-node-key", "k").contains("-node-cert and -node-key go together"));
        assertTrue(refusal("-node-cert", "c", "-node-key", "k").contains("-node-ca-cert"));
        assertTrue(refusal("-node-ca-cert", "ca").contains("-node-ca-cert needs -node-cert"));
        assertTrue(refusal("-node-no-verify").contains("-node-no-verify needs -node-cert"));
        assertTrue(refusal("-node-verify-server-name", "x").contains("-node-verify-server-name needs -node-cert"));
    }

    @Test
    void loopbackIsRecognisedWithoutDns() {
        assertTrue(HostPort.parse("127.1.2.3:1").isLoopback());
        assertTrue(HostPort.parse("[0:0:0:0:0:0:0:1]:1").isLoopback());
        assertFalse(HostPort.parse("128.0.0.1:1").isLoopback());
        assertFalse(HostPort.parse("127.example.com:1").isLoopback());
        assertFalse(HostPort.parse("0.0.0.0:1").isLoopback());
        assertFalse(HostPort.parse("[::]:1").isLoopback());
    }
}

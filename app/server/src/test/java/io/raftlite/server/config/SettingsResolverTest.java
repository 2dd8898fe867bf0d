package io.raftlite.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsResolverTest {

    @TempDir
    Path tmp;

    private static NodeSettings run(String[] args, Map<String, String> env) throws UsageException {
        return ((SettingsResolver.Run) SettingsResolver.resolve(args, env)).settings();
    }

    @Test
    void defaultsStartASingleNodeOnLoopback() throws UsageException {
        NodeSettings s = run(new String[0], Map.of());
        assertEquals("127.0.0.1:4001", s.httpAddr().toString());
        assertEquals("127.0.0.1:4002", s.raftAddr().toString());
        assertEquals(s.raftAddr(), s.raftAdvAddr());
        assertEquals(Path.of("raftlite-data"), s.dataDir());
        assertEquals("raftlite", s.clusterName());
        assertEquals(2L * 1024 * 1024, s.maxBodyBytes());
        assertEquals(4L * 1024 * 1024, s.httpLimits().bodyBudgetBytes());
        assertEquals(0, s.httpLimits().maxConnections(), "derived from the open-file limit");
        assertNull(s.requestedNodeId());
    }

    @Test
    void writeBudgetsHaveDefaultsAndAcceptNoQuota() throws UsageException {
        assertEquals(io.raftlite.core.db.WriteLimits.DEFAULT, run(new String[0], Map.of()).writeLimits());
        io.raftlite.core.db.WriteLimits set = run(new String[] {"-db-max-statement-steps", "1000", "-db-max-value-size",
                "1MiB", "-db-max-size", "0"}, Map.of()).writeLimits();
        assertEquals(new io.raftlite.core.db.WriteLimits(1000, 1 << 20, 0), set);
        UsageException tiny = assertThrows(UsageException.class,
                () -> SettingsResolver.resolve(new String[] {"-db-max-value-size", "100"}, Map.of()));
        assertTrue(tiny.getMessage().contains("-db-max-value-size"), tiny.getMessage());
    }

    @Test
    void aBodyBudgetSmallerThanTheLargestBodyIsRefused() {
        UsageException e = assertThrows(UsageException.class,
                () -> run(new String[]{"-http-max-body-size", "2MiB", "-http-body-budget", "1MiB"}, Map.of()));
        assertTrue(e.getMessage().contains("-http-body-budget"), e.getMessage());
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws Exception {
        Path file = tmp.resolve("raftlite.yml");
        Files.writeString(file, """
                raftlite:
                  http:
                    addr: 127.0.0.5:5001
                  raft:
                    addr: 127.0.0.5:5002
                    snapshot-threshold: 100
                  cluster.name: from-file
                """);
        String[] args = {"-config", file.toString(), "-http-addr=127.0.0.7:7001", "/tmp/d"};
        Map<String, String> env = Map.of("RAFTLITE_HTTP_ADDR", "127.0.0.6:6001", "RAFTLITE_RAFT_ADDR", "127.0.0.6:6002");
        NodeSettings s = run(args, env);
        assertEquals("127.0.0.7:7001", s.httpAddr().toString(), "flag wins");
        assertEquals("127.0.0.6:6002", s.raftAddr().toString(), "environment beats file");
        assertEquals(100, s.snapshotThreshold(), "file beats default");
        assertEquals("from-file", s.clusterName(), "dotted keys work too");
        assertEquals(Path.of("/tmp/d"), s.dataDir());
        assertEquals(Duration.ofSeconds(10), s.applyTimeout(), "default");
    }

    @Test
    void readLimitsHaveDefaultsAndAreChecked() throws UsageException {
        assertEquals(io.raftlite.core.db.ReadLimits.DEFAULT, run(new String[0], Map.of()).reads());
        NodeSettings s = run(new String[]{"-db-timeout", "2s", "-db-timeout-max", "5s", "-db-read-wait", "100ms",
                "-db-read-max-result", "1MiB", "-db-read-max-in-flight", "3MiB"}, Map.of());
        assertEquals(new io.raftlite.core.db.ReadLimits(Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofMillis(100), 1L << 20, 3L << 20), s.reads());
        UsageException e = assertThrows(UsageException.class,
                () -> run(new String[]{"-db-timeout", "20s", "-db-timeout-max", "5s"}, Map.of()));
        assertEquals("-db-timeout-max must be at least -db-timeout", e.getMessage());
        assertThrows(UsageException.class,
                () -> run(new String[]{"-db-read-max-result", "8MiB", "-db-read-max-in-flight", "1MiB"}, Map.of()));
    }

    @Test
    void rqliteStyleFlagFormsAreAccepted() throws UsageException {
        NodeSettings s = run(new String[]{"-node-id", "n1", "--raft-adv-addr", "127.0.0.9:4002",
                "--http-adv-addr=127.0.0.9:4001", "-raft-snap=16", "-http-max-body-size", "1MiB"}, Map.of());
        assertEquals("n1", s.requestedNodeId());
        assertEquals("127.0.0.9:4002", s.raftAdvAddr().toString());
        assertEquals("127.0.0.9:4001", s.httpAdvAddr().toString());
        assertEquals(16, s.snapshotThreshold());
        assertEquals(1024 * 1024, s.maxBodyBytes());
    }

    @Test
    void joinListsAndGoStyleBooleanFlags() throws UsageException {
        NodeSettings s = run(new String[]{"-join", "127.0.0.11:4002, 127.0.0.12:4002", "-raft-non-voter", "/d"},
                Map.of());
        assertEquals(List.of(HostPort.parse("127.0.0.11:4002"), HostPort.parse("127.0.0.12:4002")), s.join());
        assertTrue(s.nonVoter());
        assertEquals(Path.of("/d"), s.dataDir(), "a bare boolean flag does not swallow the next argument");
        NodeSettings voter = run(new String[]{"-join=127.0.0.11:4002", "-raft-non-voter=false"}, Map.of());
        assertTrue(!voter.nonVoter());
        assertEquals(Duration.ofSeconds(60), voter.joinTimeout());
        assertTrue(run(new String[0], Map.of()).join().isEmpty());
        assertTrue(run(new String[]{"-join", "127.0.0.11:4002"}, Map.of("RAFTLITE_RAFT_NON_VOTER", "true")).nonVoter());
    }

    @Test
    void bootstrapExpectIsOffByDefaultAndNeedsAJoinListAndAVoter() throws UsageException {
        NodeSettings off = run(new String[0], Map.of());
        assertEquals(0, off.bootstrapExpect());
        assertEquals(Duration.ofSeconds(120), off.bootstrapExpectTimeout());
        NodeSettings s = run(new String[]{"-bootstrap-expect", "3", "-bootstrap-expect-timeout=5s",
                "-join", "127.0.0.11:4002,127.0.0.12:4002,127.0.0.13:4002"}, Map.of());
        assertEquals(3, s.bootstrapExpect());
        assertEquals(Duration.ofSeconds(5), s.bootstrapExpectTimeout());
        UsageException noJoin = assertThrows(UsageException.class,
                () -> SettingsResolver.resolve(new String[]{"-bootstrap-expect", "3"}, Map.of()));
        assertEquals("-bootstrap-expect needs -join listing the Raft addresses of all 3 nodes", noJoin.getMessage());
        UsageException replica = assertThrows(UsageException.class, () -> SettingsResolver.resolve(
                new String[]{"-bootstrap-expect", "2", "-join", "127.0.0.11:4002", "-raft-non-voter"}, Map.of()));
        assertTrue(replica.getMessage().startsWith("-bootstrap-expect cannot be used with -raft-non-voter"),
                replica.getMessage());
        assertEquals(0, run(new String[]{"-bootstrap-expect", "0", "-raft-non-voter", "-join", "127.0.0.11:4002"},
                Map.of()).bootstrapExpect(), "0 is off, so a read replica may say it");
    }

    @Test
    void voterCapAndReapingDefaultToFiveAndOff() throws UsageException {
        NodeSettings defaults = run(new String[0], Map.of());
        assertEquals(5, defaults.maxVoters());
        assertEquals(Duration.ZERO, defaults.reapNodeTimeout());
        assertEquals(Duration.ZERO, defaults.reapReadOnlyNodeTimeout());
        NodeSettings s = run(new String[]{"-raft-max-voters", "3", "-raft-reap-node-timeout", "48h",
                "-raft-reap-read-only-node-timeout=30m"}, Map.of());
        assertEquals(3, s.maxVoters());
        assertEquals(Duration.ofHours(48), s.reapNodeTimeout());
        assertEquals(Duration.ofMinutes(30), s.reapReadOnlyNodeTimeout());
        UsageException even = assertThrows(UsageException.class,
                () -> SettingsResolver.resolve(new String[]{"-raft-max-voters", "4"}, Map.of()));
        assertTrue(even.getMessage().startsWith("-raft-max-voters: 4 is even"), even.getMessage());
    }

    @Test
    void mistakesAreOneLineReasons() throws Exception {
        Path badYaml = tmp.resolve("bad.yml");
        Files.writeString(badYaml, "raftlite:\n  htp:\n    addr: x\n");
        String[][] cases = {{"-nope"}, {"-http-addr"}, {"-http-addr", "localhost"}, {"-raft-addr", "h:99999"},
                {"-raft-snap", "many"}, {"-write-queue-timeout", "10"}, {"-http-adv-addr", "0.0.0.0:4001"},
                {"-cluster-name", "has space"}, {"a", "b"}, {"-config", badYaml.toString()},
                {"-config", tmp.resolve("missing.yml").toString()}, {"-raft-non-voter"},
                {"-join", "127.0.0.1:4002,nope"}, {"-join", "127.0.0.1:4002", "-raft-non-voter=maybe"},
                {"-join", "127.0.0.1:4002", "-bootstrap-expect", "-1"}, {"-join", "127.0.0.1:4002", "-bootstrap-expect", "x"},
                {"-join", "127.0.0.1:4002", "-bootstrap-expect", "2", "-bootstrap-expect-timeout", "0s"},
                {"-raft-max-voters", "4"}, {"-raft-max-voters", "0"}, {"-raft-reap-node-timeout", "-1s"},
                {"-raft-reap-read-only-node-timeout", "soon"}, {"-log-level", "LOUD"}, {"-log-levels", "org.apache.ratis"},
                {"-log-levels", "org.apache.ratis=CHATTY"}, {"-log-levels", "=WARN"}, {"-metrics=perhaps"}, {"-raft-election-timeout", "10ms"}};
        for (String[] args : cases) {
            UsageException e = assertThrows(UsageException.class, () -> SettingsResolver.resolve(args, Map.of()),
                    String.join(" ", args));
            assertTrue(!e.getMessage().contains("\n") && !e.getMessage().isBlank(), e.getMessage());
        }
    }

    @Test
    void logLevelsAndMetricsAreParsed() throws UsageException {
        NodeSettings s = ((SettingsResolver.Run) SettingsResolver.resolve(new String[]{"-log-level", "debug",
                "-log-levels", "org.apache.ratis=info, io.netty=ERROR", "-metrics=false"}, Map.of())).settings();
        assertEquals("DEBUG", s.ops().logLevel());
        assertEquals(Map.of("org.apache.ratis", "INFO", "io.netty", "ERROR", "io.micronaut", "WARN"), s.ops().logLevels(),
                "the value is applied over the default list");
        assertFalse(s.ops().metricsEnabled());
        OpsSettings defaults = ((SettingsResolver.Run) SettingsResolver.resolve(new String[0], Map.of())).settings().ops();
        assertEquals("INFO", defaults.logLevel());
        assertEquals("WARN", defaults.logLevels().get("org.apache.ratis"));
        assertTrue(defaults.metricsEnabled());
    }

    @Test
    void helpAndVersionAreRecognised() throws UsageException {
        assertInstanceOf(SettingsResolver.Help.class, SettingsResolver.resolve(new String[]{"--help"}, Map.of()));
        assertInstanceOf(SettingsResolver.Help.class, SettingsResolver.resolve(new String[]{"-h"}, Map.of()));
        assertInstanceOf(SettingsResolver.Version.class, SettingsResolver.resolve(new String[]{"--version"}, Map.of()));
    }

    /** config/raftlite.yml is the operator's reference: every setting in code must be documented there. */
    @Test
    void theReferenceFileDocumentsEverySettingWithItsDefault() throws Exception {
        Path reference = Path.of("..", "..", "config", "raftlite.yml");
        Map<String, String> documented = SettingsResolver.readYaml(reference);
        for (Setting s : Setting.ALL) {
            assertTrue(documented.containsKey(s.key()), s.key() + " is missing from config/raftlite.yml");
            assertEquals(s.defaultValue(), documented.get(s.key()), "default of " + s.key() + " in config/raftlite.yml");
        }
    }

    @Test
    void discoverySettingsAreCheckedAgainstTheProvidersOnTheClasspath() throws Exception {
        NodeSettings s = run(new String[] {"-disco-mode", "etcd-kv", "-disco-key", "prod",
                "-disco-config", "{\"endpoints\":[\"http://$ETCD_HOST:2379\"]}"}, Map.of());
        assertEquals("etcd-kv", s.discovery().mode());
        assertEquals("prod", s.discovery().config().key());
        assertEquals(java.time.Duration.ofSeconds(10), s.discovery().claimTtl());

        Path file = tmp.resolve("disco.json");
        java.nio.file.Files.writeString(file, "{\"address\":\"127.0.0.1:8500\"}");
        assertEquals("127.0.0.1:8500", run(new String[] {"-disco-mode", "consul-kv", "-disco-config", file.toString()},
                Map.of()).discovery().config().string("address", null), "a path to a JSON file");

        String[][] refused = {
            {"-disco-mode", "zookeeper"},
            {"-disco-mode", "etcd-kv", "-disco-config", "{\"endpoint\":\"x\"}"},
            {"-disco-mode", "etcd-kv", "-disco-config", "{broken"},
            {"-disco-mode", "etcd-kv", "-disco-config", "/no/such/file.json"},
            {"-disco-mode", "etcd-kv", "-join", "127.0.0.1:4002"},
            {"-disco-mode", "etcd-kv", "-bootstrap-expect", "3"},
            {"-disco-mode", "dns"},
            {"-disco-reset"},
        };
        String[] expected = {
            "unknown discovery mode 'zookeeper'; known modes: consul-kv, dns, dns-srv, etcd-kv",
            "unknown etcd-kv discovery setting endpoint",
            "discovery config is not valid JSON",
            "is neither a JSON object nor a readable file",
            "-disco-mode and -join are alternatives",
            "-bootstrap-expect is not used with -disco-mode etcd-kv",
            "-disco-mode dns needs -bootstrap-expect N",
            "-disco-reset needs -disco-mode",
        };
        for (int i = 0; i < refused.length; i++) {
            String[] args = refused[i];
            UsageException e = assertThrows(UsageException.class, () -> SettingsResolver.resolve(args, Map.of()),
                    String.join(" ", args));
            assertTrue(e.getMessage().contains(expected[i]), e.getMessage());
        }
        assertEquals(3, run(new String[] {"-disco-mode", "dns", "-bootstrap-expect", "3"}, Map.of()).bootstrapExpect());
        assertTrue(run(new String[] {"-disco-mode", "consul-kv", "-raft-non-voter"}, Map.of()).nonVoter(),
                "a read replica may wait for a formed cluster");
    }

    /** Settings hold secrets (discovery passwords and tokens, the auth file's passwords): printing them shows none. */
    @Test
    void settingsPrintNoSecretAndTheAuthFileIsRead() throws Exception {
        Path auth = tmp.resolve("auth.json");
        Files.writeString(auth, "[{\"username\":\"bob\",\"password\":\"auth-secret\",\"perms\":[\"all\"]}]");
        String etcd = "{\"endpoints\":[\"http://127.0.14.9:2379\"],\"username\":\"u\",\"password\":\"etcd-secret\"}";
        NodeSettings s = run(new String[] {"-disco-mode", "etcd-kv", "-disco-config", etcd, "-auth", auth.toString()},
                Map.of());
        assertEquals("CredentialStore[1 users]", s.auth().toString());
        assertFalse(s.toString().contains("secret"), s.toString());
        assertNull(run(new String[0], Map.of()).auth(), "no -auth: authentication off");
        UsageException e = assertThrows(UsageException.class, () -> run(new String[] {"-disco-mode", "etcd-kv",
                "-disco-config", "[" + etcd + "]"}, Map.of()));
        assertEquals("-disco-config: the value is neither a JSON object nor a readable file", e.getMessage());
        UsageException missing = assertThrows(UsageException.class,
                () -> run(new String[] {"-auth", tmp.resolve("none.json").toString()}, Map.of()));
        assertTrue(missing.getMessage().startsWith("-auth: cannot read auth file "), missing.getMessage());
    }
}

package io.raftlite.server.config;

import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryClients;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The files in {@code config/examples} are what operators copy to {@code /etc/raftlite/raftlite.yml}: each one
 * must load as it stands, select the mode its name says, and describe a node other hosts can reach.
 */
class ConfigExamplesTest {

    private static final Path EXAMPLES = Path.of("..", "..", "config", "examples");

    /** The systemd unit's command line, minus the data directory (which only overrides the file's). */
    private static NodeSettings load(Path file) throws UsageException, IOException {
        List<String> args = new java.util.ArrayList<>(List.of("-config", file.toString()));
        if (SettingsResolver.readYaml(file).containsKey(Setting.HTTP_AUTH)) {
            // the auth file is read at start, and /etc/raftlite/auth.json is not on the build host: one of rqlite's form
            Path auth = Files.createTempFile("raftlite-example-auth", ".json");
            auth.toFile().deleteOnExit();
            Files.writeString(auth, "[{\"username\": \"app\", \"password\": \"x\", \"perms\": [\"query\"]}]");
            Files.setPosixFilePermissions(auth, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            args.addAll(List.of("-auth", auth.toString()));
        }
        return ((SettingsResolver.Run) SettingsResolver.resolve(args.toArray(String[]::new), Map.of())).settings();
    }

    private static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.sorted().toList();
        }
    }

    @Test
    void thereIsOneExamplePerDiscoveryModeAndOneForAStaticJoin() throws IOException {
        Set<String> names = examples().stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        assertEquals(Set.of("consul-kv.yml", "etcd-kv.yml", "dns.yml", "dns-srv.yml", "static-join.yml", "tls.yml"), names,
                "config/examples holds exactly these (a new file needs a line in this test)");
        Set<String> modes = DiscoveryClients.load(getClass().getClassLoader()).modes();
        for (String mode : modes) {
            assertTrue(names.contains(mode + ".yml"), "no example for discovery mode " + mode);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyExampleLoadsAsItStands() throws IOException {
        return examples().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            for (String key : SettingsResolver.readYaml(file).keySet()) {
                assertTrue(Setting.byKey(key).isPresent(), file + ": unknown key " + key);
            }
            NodeSettings s = load(file);
            assertTrue("127.0.0.1".equals(s.httpAddr().host()) || httpsForCertifiedUsers(file),
                    file + ": the HTTP API stays on loopback, unless HTTPS asks for client certificates and users");
            assertFalse(s.raftAdvAddr().host().startsWith("127.") || s.raftAdvAddr().host().equals("localhost"),
                    file + ": the advertised Raft address must be one other hosts reach, not " + s.raftAdvAddr());
            assertNotNull(s.raftTls(), file + ": a Raft port other hosts reach needs TLS");
            assertTrue(s.raftTls().verifyClient() && !s.raftTls().noVerify(), file + ": mutual TLS, verified");
            String name = file.getFileName().toString().replaceFirst("\\.yml$", "");
            if (name.equals("static-join") || name.equals("tls")) {
                assertStaticJoin(s);
            } else {
                assertDiscovery(name, s);
            }
        }));
    }

    /** HTTPS with client certificates from a CA, and an auth file (tls.yml: the API for other hosts). */
    private static boolean httpsForCertifiedUsers(Path file) throws UsageException {
        Map<String, String> yaml = SettingsResolver.readYaml(file);
        return !yaml.getOrDefault("raftlite.http.tls.cert", "").isBlank()
                && !yaml.getOrDefault("raftlite.http.tls.ca-cert", "").isBlank()
                && "true".equals(yaml.get("raftlite.http.tls.verify-client"))
                && !yaml.getOrDefault("raftlite.http.auth", "").isBlank();
    }

    private static void assertStaticJoin(NodeSettings s) {
        assertNull(s.discovery(), "a static join uses no discovery store");
        assertTrue(s.bootstrapExpect() > 0, "the nodes form the cluster with -bootstrap-expect");
        assertEquals(s.bootstrapExpect(), s.join().size(), "-join lists every node that bootstrap-expect counts");
        assertTrue(s.join().contains(s.raftAdvAddr()),
                "the join list includes this node's own address, so one file fits every host: " + s.join());
    }

    private static void assertDiscovery(String mode, NodeSettings s) {
        assertTrue(s.discovery() != null, "discovery mode " + mode + " is set");
        assertEquals(mode, s.discovery().mode());
        assertTrue(s.join().isEmpty(), "a discovery store replaces -join");
        assertNotEquals(0, s.discovery().config().settings().size(),
                "the example shows the mode's -disco-config instead of relying on localhost defaults");
        // Creating the client checks every value's type and form (URLs, host:port, durations, names);
        // no client connects before its first call.
        try (DiscoveryClient client = DiscoveryClients.load(ConfigExamplesTest.class.getClassLoader())
                .create(mode, s.discovery().config())) {
            assertEquals(mode, client.mode());
        }
    }

    /** The example with one text replaced, written to {@code tmp}; fails when the text is not in it. */
    private static Path edited(Path tmp, String example, String from, String to) throws IOException {
        String text = Files.readString(EXAMPLES.resolve(example));
        assertTrue(text.contains(from), example + " no longer contains " + from);
        Path file = tmp.resolve("edited-" + example);
        Files.writeString(file, text.replace(from, to));
        return file;
    }

    private static String refusal(Path file) {
        return assertThrows(UsageException.class, () -> load(file)).getMessage();
    }

    @Test
    void aMistypedKeyIsRefused(@TempDir Path tmp) throws Exception {
        String typo = refusal(edited(tmp, "etcd-kv.yml", "    report-interval:", "    report-intervall:"));
        assertTrue(typo.contains("unknown setting 'raftlite.discovery.report-intervall'"), typo);
    }

    @Test
    void theDiscoveryConfigMayBeAYamlMappingAndTheJoinListAYamlList(@TempDir Path tmp) throws Exception {
        Path nested = tmp.resolve("nested.yml");
        Files.writeString(nested, """
                raftlite:
                  raft:
                    addr: "10.0.0.11:4002"
                    insecure: true
                  discovery:
                    mode: etcd-kv
                    config:
                      endpoints: ["http://10.0.0.5:2379", "http://10.0.0.6:2379"]
                      dial-timeout: 5s
                """);
        DiscoverySettings disco = load(nested).discovery();
        assertEquals(List.of("http://10.0.0.5:2379", "http://10.0.0.6:2379"), disco.config().strings("endpoints", List.of()));
        assertEquals("5s", disco.config().string("dial-timeout", ""));
        DiscoveryClients.load(getClass().getClassLoader()).create(disco.mode(), disco.config()).close();

        Files.writeString(nested, """
                raftlite:
                  discovery:
                    mode: etcd-kv
                    config:
                      endpoint: ["http://10.0.0.5:2379"]
                """);
        String unknown = refusal(nested);
        assertTrue(unknown.contains("endpoint"), "a mapping's keys are checked like a JSON string's: " + unknown);

        NodeSettings listed = load(edited(tmp, "static-join.yml", "\"10.0.0.11:4002,10.0.0.12:4002,10.0.0.13:4002\"",
                "[\"10.0.0.11:4002\", \"10.0.0.12:4002\", \"10.0.0.13:4002\"]"));
        assertEquals(3, listed.join().size(), listed.join().toString());
    }

    @Test
    void aWrongValueInAnExampleIsRefused(@TempDir Path tmp) throws Exception {
        String key = refusal(edited(tmp, "consul-kv.yml", "\"address\":", "\"adress\":"));
        assertTrue(key.contains("unknown consul-kv discovery setting adress"), key);
        String expect = refusal(edited(tmp, "dns.yml", "bootstrap-expect: 3", "bootstrap-expect: 0"));
        assertTrue(expect.contains("needs -bootstrap-expect"), expect);

        // The resolver checks the keys; a value of the wrong form only shows when the client is created,
        // which is why everyExampleLoadsAsItStands creates one.
        DiscoverySettings disco = load(edited(tmp, "etcd-kv.yml", "\"http://10.0.0.5:2379\"",
                "\"https://10.0.0.5:2379\"")).discovery();
        IllegalArgumentException tls = assertThrows(IllegalArgumentException.class,
                () -> DiscoveryClients.load(getClass().getClassLoader()).create(disco.mode(), disco.config()));
        assertTrue(tls.getMessage().contains("needs TLS"), tls.getMessage());
    }
}

package io.raftlite.discovery.consul;

import com.sun.net.httpserver.HttpServer;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryClients;
import io.raftlite.discovery.DiscoveryConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The consul-kv settings: rqlite's keys, refused values named clearly, and what reaches Consul. */
class ConsulSettingsTest {

    private static final DiscoveryClients CLIENTS = DiscoveryClients.load(ConsulSettingsTest.class.getClassLoader());

    private static ConsulSettings settings(Map<String, Object> s) {
        return ConsulSettings.from(new DiscoveryConfig("rqlite", s));
    }

    private static String refusal(Map<String, Object> s) {
        return assertThrows(IllegalArgumentException.class, () -> CLIENTS.create("consul-kv",
                new DiscoveryConfig("rqlite", s))).getMessage();
    }

    @Test
    void theModeIsRegisteredWithRqlitesKeys() {
        assertEquals(ConsulSettings.KEYS, CLIENTS.provider("consul-kv").settings());
    }

    @Test
    void defaultsAreTheLocalAgentAndFiveSeconds() {
        ConsulSettings s = settings(Map.of());
        assertEquals("localhost:8500", s.address());
        assertEquals(Duration.ofSeconds(5), s.timeout());
        assertEquals(false, s.https());
        assertNull(s.datacenter());
    }

    @Test
    void anUnknownKeyIsRefusedNamingTheKnownOnes() {
        String m = refusal(Map.of("token_file", "/etc/consul.token"));
        assertTrue(m.contains("token_file") && m.contains("address"), m);
    }

    @Test
    void anAddressWithASchemeIsRefusedLikeRqliteDoes() {
        String m = refusal(Map.of("address", "http://consul:8500"));
        assertTrue(m.contains("'address'") && m.contains("http"), m);
        assertTrue(refusal(Map.of("address", "https://consul:8501")).contains("scheme"));
    }

    @Test
    void badValuesNameTheirSetting() {
        assertTrue(refusal(Map.of("address", "consul:port")).contains("'address'"));
        assertTrue(refusal(Map.of("scheme", "ftp")).contains("'scheme'"));
        assertTrue(refusal(Map.of("timeout", "soon")).contains("'timeout'"));
        assertTrue(refusal(Map.of("basic_auth", "user:pass")).contains("'basic_auth'"));
        assertTrue(refusal(Map.of("tls_config", Map.of("ca_file", "/x"))).contains("https"));
        assertTrue(refusal(Map.of("scheme", "https", "tls_config", Map.of("ca_pem", "..."))).contains("ca_pem"));
        assertTrue(refusal(Map.of("scheme", "https", "tls_config", Map.of("cert_file", "/c"))).contains("key_file"));
    }

    @Test
    void anIpv6AddressAndADefaultPortParse() {
        assertEquals("[::1]:8501", settings(Map.of("address", "[::1]:8501")).address());
        assertEquals("consul.service:8500", settings(Map.of("address", "consul.service")).address());
    }

    @Test
    void aPkcs1KeyIsRefusedWithTheConversionCommand(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        Path cert = Files.writeString(dir.resolve("cert.pem"), "not a certificate");
        String m = refusal(Map.of("scheme", "https", "tls_config", Map.of("cert_file", cert.toString(),
                "key_file", key.toString())));
        assertTrue(m.contains("tls_config"), m);
        String noFile = refusal(Map.of("scheme", "https", "tls_config", Map.of("ca_file", dir.resolve("none").toString())));
        assertTrue(noFile.contains("ca_file"), noFile);
    }

    @Test
    void insecureSkipVerifyBuildsAClient() {
        CLIENTS.create("consul-kv", new DiscoveryConfig("rqlite", Map.of("scheme", "https",
                "tls_config", Map.of("insecure_skip_verify", true)))).close();
    }

    @Test
    void theTokenBasicAuthAndDatacenterReachConsul() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.81", 0), 8);
        server.createContext("/", x -> {
            seen.add(x.getRequestURI().getPath() + "?" + x.getRequestURI().getQuery()); // Consul decodes the path
            seen.add("token=" + x.getRequestHeaders().getFirst("X-Consul-Token"));
            seen.add("auth=" + x.getRequestHeaders().getFirst("Authorization"));
            x.sendResponseHeaders(404, -1);
            x.close();
        });
        server.start();
        try (DiscoveryClient c = CLIENTS.create("consul-kv", new DiscoveryConfig("rqlite", Map.of(
                "address", "127.0.0.81:" + server.getAddress().getPort(), "datacenter", "east", "token", "t0k",
                "basic_auth", Map.of("username", "u", "password", "p"))))) {
            assertEquals(Optional.empty(), c.read());
        } finally {
            server.stop(0);
        }
        String basic = "Basic " + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("/v1/kv/rqlite/leader?dc=east", "token=t0k", "auth=" + basic), seen);
    }
}

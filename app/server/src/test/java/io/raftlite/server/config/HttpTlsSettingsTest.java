package io.raftlite.server.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpTlsSettingsTest {

    private static NodeSettings run(Map<String, String> env, String... args) throws UsageException {
        return ((SettingsResolver.Run) SettingsResolver.resolve(args, env)).settings();
    }

    @Test
    void plainHttpByDefaultAndTheAdvertisedAddressSaysSo() throws UsageException {
        NodeSettings s = run(Map.of());
        assertFalse(s.httpTls().enabled());
        assertEquals("http://127.0.0.1:4001", s.apiAddress());
    }

    @Test
    void aCertificateAndKeyTurnHttpsOnAndTheAdvertisedAddressBecomesHttps() throws UsageException {
        NodeSettings s = run(Map.of(), "-http-adv-addr", "10.0.0.5:4001", "-http-cert", "/etc/raftlite/tls/http.pem",
                "-http-key", "/etc/raftlite/tls/http-key.pem");
        assertTrue(s.httpTls().enabled());
        assertFalse(s.httpTls().verifyClient());
        assertEquals(Path.of("/etc/raftlite/tls/http.pem"), s.httpTls().cert());
        assertEquals("https://10.0.0.5:4001", s.apiAddress());
    }

    @Test
    void mutualTlsFromTheEnvironmentAsFromFlags() throws UsageException {
        HttpTlsSettings t = run(Map.of("RAFTLITE_HTTP_TLS_CERT", "c.pem", "RAFTLITE_HTTP_TLS_KEY", "k.pem",
                "RAFTLITE_HTTP_TLS_CA_CERT", "ca.pem", "RAFTLITE_HTTP_TLS_VERIFY_CLIENT", "true")).httpTls();
        assertEquals(new HttpTlsSettings(Path.of("c.pem"), Path.of("k.pem"), Path.of("ca.pem"), true), t);
        assertEquals(t, run(Map.of(), "-http-cert", "c.pem", "-http-key", "k.pem", "-http-ca-cert", "ca.pem",
                "-http-verify-client").httpTls());
    }

    @Test
    void incompleteCombinationsAreRefusedWithTheMissingFlag() {
        String[][] cases = {
                {"-http-cert", "c.pem"},
                {"-http-key", "k.pem"},
                {"-http-cert", "c.pem", "-http-key", "k.pem", "-http-verify-client"},
                {"-http-ca-cert", "ca.pem"},
                {"-http-verify-client", "-http-ca-cert", "ca.pem"},
                {"-http-cert", "c.pem", "-http-key", "k.pem", "-http-verify-client=maybe"}};
        String[] expected = {"-http-key", "-http-cert", "needs -http-ca-cert", "needs -http-cert", "needs -http-cert",
                "-http-verify-client"};
        for (int i = 0; i < cases.length; i++) {
            String[] args = cases[i];
            UsageException e = assertThrows(UsageException.class, () -> SettingsResolver.resolve(args, Map.of()),
                    String.join(" ", args));
            assertTrue(e.getMessage().contains(expected[i]) && !e.getMessage().contains("\n"), e.getMessage());
        }
    }
}

package io.raftlite.discovery.etcd;

import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryClients;
import io.raftlite.discovery.DiscoveryConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The etcd-kv settings as an operator writes them in {@code -disco-config}; no etcd needed. */
class EtcdConfigTest {

    private static DiscoveryConfig json(String json) {
        return DiscoveryConfig.parse("rqlite", json, name -> "env-" + name);
    }

    private static String refused(String json) {
        DiscoveryClients clients = DiscoveryClients.load(EtcdConfigTest.class.getClassLoader());
        return assertThrows(IllegalArgumentException.class, () -> clients.create("etcd-kv", json(json))).getMessage();
    }

    @Test
    void theModeIsFoundOnTheClasspath() {
        DiscoveryClients clients = DiscoveryClients.load(EtcdConfigTest.class.getClassLoader());
        assertInstanceOf(EtcdDiscoveryClientProvider.class, clients.provider("etcd-kv"));
        try (DiscoveryClient c = clients.create("etcd-kv", json("{}"))) {
            assertEquals("etcd-kv", c.mode());
            assertEquals("rqlite", c.key());
        }
    }

    @Test
    void anUnknownSettingIsRefusedWithTheKnownOnes() {
        String msg = refused("{\"endpoints\":[\"127.0.0.1:2379\"],\"dial-keep-alive-time\":1000}");
        assertTrue(msg.contains("dial-keep-alive-time"), msg);
        assertTrue(msg.contains("known: dial-timeout, endpoints, password, request-timeout, username"), msg);
    }

    @Test
    void aBadDialTimeoutNamesTheSetting() {
        String msg = refused("{\"dial-timeout\":\"soon\"}");
        assertTrue(msg.contains("'dial-timeout'") && msg.contains("duration"), msg);
        assertTrue(refused("{\"request-timeout\":\"0s\"}").contains("'request-timeout' must be more than zero"));
    }

    @Test
    void rqlitesConfigIsReadAsRqliteMeantIt() {
        // rqlite marshals clientv3.Config: durations are nanoseconds, endpoints may lack a scheme
        EtcdConfig c = EtcdConfig.from(json("{\"endpoints\":[\"10.0.0.1:2379\",\"http://10.0.0.2:2379\"],"
                + "\"dial-timeout\":30000000000,\"username\":\"$ETCD_USER\",\"password\":\"${ETCD_PASSWORD}\"}"));
        assertEquals(List.of("http://10.0.0.1:2379", "http://10.0.0.2:2379"), c.endpoints());
        assertEquals(Duration.ofSeconds(30), c.dialTimeout());
        assertEquals("env-ETCD_USER", c.username());
        assertEquals("env-ETCD_PASSWORD", c.password());
        assertFalse(c.toString().contains("env-ETCD_PASSWORD"), "toString never shows the password: " + c);
    }

    @Test
    void defaultsAreRqlitesLocalEtcdAndFiveSeconds() {
        EtcdConfig c = EtcdConfig.from(json("{}"));
        assertEquals(List.of("http://localhost:2379"), c.endpoints());
        assertEquals(Duration.ofSeconds(5), c.dialTimeout());
        assertEquals(Duration.ofSeconds(5), c.requestTimeout());
        assertNull(c.username());
    }

    @Test
    void endpointsMayBeOneCommaSeparatedString() {
        EtcdConfig c = EtcdConfig.from(json("{\"endpoints\":\"http://127.0.0.1:2379, 127.0.0.2:2379\","
                + "\"request-timeout\":\"750ms\"}"));
        assertEquals(List.of("http://127.0.0.1:2379", "http://127.0.0.2:2379"), c.endpoints());
        assertEquals(Duration.ofMillis(750), c.requestTimeout());
    }

    @Test
    void unusableEndpointsAndHalfCredentialsAreRefused() {
        assertTrue(refused("{\"endpoints\":\"https://127.0.0.1:2379\"}").contains("TLS"));
        assertTrue(refused("{\"endpoints\":\"127.0.0.1\"}").contains("must be http://host:port"));
        assertTrue(refused("{\"endpoints\":[]}").contains("at least one"));
        assertTrue(refused("{\"username\":\"root\"}").contains("'username' and 'password' go together"));
    }
}

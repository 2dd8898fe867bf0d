package io.raftlite.discovery;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiscoveryConfigTest {

    private static final Map<String, String> ENV = Map.of("TOKEN", "s3cret", "HOST", "10.0.0.9");

    private static DiscoveryConfig parse(String json) {
        return DiscoveryConfig.parse("raftlite", json, ENV::get);
    }

    @Test
    void environmentVariablesAreExpandedInStringValues() {
        DiscoveryConfig c = parse("{\"token\":\"$TOKEN\",\"endpoints\":[\"http://${HOST}:2379\"],\"x\":\"$UNSET-\"}");
        assertEquals("s3cret", c.string("token", null));
        assertEquals(List.of("http://10.0.0.9:2379"), c.strings("endpoints", List.of()));
        assertEquals("-", c.string("x", null));
    }

    @Test
    void typedGettersAcceptRqlitesFormsAndNameTheKeyOnError() {
        DiscoveryConfig c = parse("{\"dial-timeout\":5000000000,\"t\":\"250ms\",\"port\":4002,\"list\":\"a, b\",\"b\":true}");
        assertEquals(Duration.ofSeconds(5), c.duration("dial-timeout", null, ChronoUnit.NANOS));
        assertEquals(Duration.ofMillis(250), c.duration("t", null, ChronoUnit.NANOS));
        assertEquals(4002, c.integer("port", 0));
        assertEquals(List.of("a", "b"), c.strings("list", List.of()));
        assertTrue(c.bool("b", false));
        assertEquals(Duration.ofSeconds(1), c.duration("absent", Duration.ofSeconds(1), ChronoUnit.NANOS));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.integer("t", 0));
        assertTrue(e.getMessage().contains("'t'"), e.getMessage());
    }

    @Test
    void unknownKeysAreListedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("{\"adress\":\"x\"}").requireOnly(Set.of("address", "token"), "consul-kv"));
        assertEquals("unknown consul-kv discovery setting adress; known: address, token", e.getMessage());
    }

    @Test
    void badJsonAndBadKeysAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> parse("{\"a\":"));
        assertThrows(IllegalArgumentException.class, () -> parse("[1]"));
        assertThrows(IllegalArgumentException.class, () -> DiscoveryConfig.parse("/abs", "{}", ENV::get));
        assertEquals(Map.of(), parse("").settings());
    }

    @Test
    void anUnknownModeListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DiscoveryClients.load(getClass().getClassLoader()).provider("zookeeper"));
        assertTrue(e.getMessage().startsWith("unknown discovery mode 'zookeeper'; known modes: "), e.getMessage());
    }
}

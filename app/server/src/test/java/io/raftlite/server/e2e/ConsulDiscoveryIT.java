package io.raftlite.server.e2e;

import io.raftlite.discovery.tck.FakeConsulServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Issue 4's proofs with {@code -disco-mode consul-kv} against the TCK's Consul KV server (no Consul can be
 * installed here; the provider passes the same contract against a real consul when one is on PATH).
 * Sessions expire at twice their TTL, the most real Consul allows itself.
 */
class ConsulDiscoveryIT extends CheckAndSetDiscoveryScenarios {

    private static FakeConsulServer consul;
    private static int port;

    @BeforeAll
    static void startConsul() {
        consul = new FakeConsulServer(2.0).start();
        port = consul.port();
    }

    @AfterAll
    static void stopConsul() {
        if (consul != null) {
            consul.close();
        }
    }

    /** Every node is in Consul's catalog as service raftlite with its node id, checked on /readyz; gone after a clean stop. */
    @Test
    void everyNodeRegistersInConsulsCatalogAndDeregistersOnStop() throws Exception {
        List<NodeProcess> group = prepare("catalog", "127.0.0.12", 2); // 127.0.0.121-122
        launchTogether(group, "-disco-mode", "consul-kv", "-disco-key", "catalog", "-disco-config", config());
        for (NodeProcess n : group) {
            String id = n.host + ":" + n.raftPort; // the default node id: the advertised Raft address
            try {
                await("node " + id + " in the catalog", () -> consul.registeredServices().stream().anyMatch(s ->
                        s.id().equals(id) && s.name().equals("raftlite") && s.address().equals(n.host)
                                && s.port() == n.httpPort && s.httpChecks().containsValue(n.baseUrl() + "/readyz")));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; registered: " + consul.registeredServices() + "\n"
                        + n.logTail(), e);
            }
        }
        NodeProcess first = group.get(0);
        String firstId = first.host + ":" + first.raftPort;
        assertEquals(0, first.stop());
        assertFalse(consul.registeredServices().stream().anyMatch(s -> s.id().equals(firstId)), "deregistered on stop");

        NodeProcess off = prepare("no-catalog", "127.0.0.12", 3).get(2); // 127.0.0.123
        off.launch("-disco-mode", "consul-kv", "-disco-key", "no-catalog", "-disco-config", config(),
                "-disco-consul-register=false");
        off.awaitReady(Duration.ofSeconds(120));
        assertFalse(consul.registeredServices().stream().anyMatch(s -> s.port() == off.httpPort), "registration off");
    }

    @Override
    protected String mode() {
        return "consul-kv";
    }

    @Override
    protected String config() {
        return "{\"address\":\"" + FakeConsulServer.HOST + ":" + port + "\"}";
    }

    @Override
    protected String hostPrefix() {
        return "127.0.0.11"; // nodes on 127.0.0.111-115
    }

    @Override
    protected void stopStore() {
        consul.close();
    }

    @Override
    protected void startStore() {
        consul.start(port); // same port, same data: a Consul agent back from a restart
    }
}

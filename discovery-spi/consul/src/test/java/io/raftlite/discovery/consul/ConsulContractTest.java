package io.raftlite.discovery.consul;

import io.raftlite.discovery.ClusterRecord;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryClients;
import io.raftlite.discovery.DiscoveryConfig;
import io.raftlite.discovery.tck.CheckAndSetContract;
import io.raftlite.discovery.tck.FakeConsulServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The check-and-set contract against the fake Consul, which expires sessions exactly at their TTL. */
class ConsulContractTest extends CheckAndSetContract {

    private static FakeConsulServer consul;

    @BeforeAll
    static void startConsul() {
        consul = new FakeConsulServer().start();
    }

    @AfterAll
    static void stopConsul() {
        consul.close();
    }

    static DiscoveryClient client(String key, String address, String timeout) {
        return DiscoveryClients.load(ConsulContractTest.class.getClassLoader()).create("consul-kv",
                new DiscoveryConfig(key, Map.of("address", address, "timeout", timeout)));
    }

    /** A loopback port nothing listens on (bound, then closed). */
    static int closedPort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    /** The sessions of {@code server}, as {@code GET /v1/session/list} reports them. */
    private static String sessions(FakeConsulServer server) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + server.address()
                + "/v1/session/list")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int count(String haystack, String needle) {
        return haystack.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
    }

    @Test
    void aClaimIsASessionOfAtLeastTenSecondsThatDeletesTheKey() throws Exception {
        try (FakeConsulServer own = new FakeConsulServer().start();
             DiscoveryClient c = client(freshKey(), own.address(), "5s")) {
            assertTrue(c.claim(ClusterRecord.claimed("c", member(1), 0), Duration.ofSeconds(2)).isPresent());
            String sessions = sessions(own);
            assertEquals(1, count(sessions, "raftlite-claim"), sessions);
            assertTrue(sessions.contains("\"Behavior\":\"delete\"") && sessions.contains("\"TTL\":\"10s\"")
                    && sessions.contains("\"LockDelay\":0"), sessions);
        }
    }

    @Test
    void aLosingClaimLeavesNoSessionBehind() throws Exception {
        String key = freshKey();
        try (FakeConsulServer own = new FakeConsulServer().start();
             DiscoveryClient winner = client(key, own.address(), "5s");
             DiscoveryClient loser = client(key, own.address(), "5s")) {
            assertTrue(winner.claim(ClusterRecord.claimed("c", member(1), 0), claimTtl()).isPresent());
            assertTrue(loser.claim(ClusterRecord.claimed("d", member(2), 0), claimTtl()).isEmpty());
            assertEquals(1, count(sessions(own), "raftlite-claim"));
        }
    }

    @Override
    protected DiscoveryClient newClient(String key) {
        return client(key, consul.address(), "5s");
    }

    @Override
    protected DiscoveryClient unreachableClient(String key) throws IOException {
        return client(key, FakeConsulServer.HOST + ":" + closedPort(FakeConsulServer.HOST), "1s");
    }

    @Override
    protected Duration claimTtl() {
        return Duration.ofSeconds(10);
    }

    @Override
    protected Duration expiryGrace() {
        return Duration.ofSeconds(2);
    }
}

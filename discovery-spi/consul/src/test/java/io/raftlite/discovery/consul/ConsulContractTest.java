package io.raftlite.discovery.consul;

import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryClients;
import io.raftlite.discovery.DiscoveryConfig;
import io.raftlite.discovery.tck.CheckAndSetContract;
import io.raftlite.discovery.tck.FakeConsulServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

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

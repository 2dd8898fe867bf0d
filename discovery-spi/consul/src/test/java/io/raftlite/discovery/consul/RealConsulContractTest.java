package io.raftlite.discovery.consul;

import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.tck.CheckAndSetContract;
import io.raftlite.discovery.tck.ExternalBinary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The check-and-set contract against a real {@code consul agent -dev}, only where {@code consul} is on PATH
 * (skipped otherwise, also under CI: the fake Consul covers the contract there). Real Consul may take up to
 * 2×TTL to reap a lapsed session, hence a grace of one TTL.
 */
class RealConsulContractTest extends CheckAndSetContract {

    private static final String HOST = "127.0.0.82";
    private static Process agent;
    private static String address;
    private static File log;

    @BeforeAll
    static void startConsul() throws Exception {
        Optional<Path> consul = ExternalBinary.optional("consul");
        Assumptions.assumeTrue(consul.isPresent(), "consul is not on PATH");
        int http = ConsulContractTest.closedPort(HOST);
        List<String> cmd = List.of(consul.get().toString(), "agent", "-dev", "-bind", HOST, "-client", HOST,
                "-http-port", Integer.toString(http), "-dns-port", "-1", "-grpc-port", "-1",
                "-serf-lan-port", Integer.toString(ConsulContractTest.closedPort(HOST)),
                "-serf-wan-port", Integer.toString(ConsulContractTest.closedPort(HOST)),
                "-server-port", Integer.toString(ConsulContractTest.closedPort(HOST)),
                "-hcl", "ports { grpc_tls = -1 }");
        log = File.createTempFile("consul-dev", ".log");
        agent = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        address = HOST + ":" + http;
        awaitLeader();
    }

    private static void awaitLeader() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!agent.isAlive()) {
                throw new IllegalStateException("consul agent -dev exited; see " + log);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + address
                        + "/v1/status/leader")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().length() > 2) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("consul agent -dev elected no leader within 60 s; see " + log);
    }

    @AfterAll
    static void stopConsul() throws InterruptedException {
        if (agent != null) {
            agent.destroy();
            if (!agent.waitFor(10, TimeUnit.SECONDS)) {
                agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    protected DiscoveryClient newClient(String key) {
        return ConsulContractTest.client(key, address, "5s");
    }

    @Override
    protected DiscoveryClient unreachableClient(String key) throws IOException {
        return ConsulContractTest.client(key, HOST + ":" + ConsulContractTest.closedPort(HOST), "1s");
    }

    @Override
    protected Duration claimTtl() {
        return Duration.ofSeconds(10);
    }
}

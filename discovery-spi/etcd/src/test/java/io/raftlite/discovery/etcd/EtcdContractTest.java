package io.raftlite.discovery.etcd;

import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryConfig;
import io.raftlite.discovery.tck.CheckAndSetContract;
import io.raftlite.discovery.tck.EtcdProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.Map;

/** The check-and-set contract against a real etcd on a loopback port. */
class EtcdContractTest extends CheckAndSetContract {

    private static EtcdProcess etcd;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdProcess.start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    protected DiscoveryClient newClient(String key) {
        return new EtcdDiscoveryClientProvider().create(new DiscoveryConfig(key, Map.of("endpoints", etcd.endpoint())));
    }

    @Override
    protected DiscoveryClient unreachableClient(String key) throws Exception {
        String closed = "http://" + EtcdProcess.HOST + ":" + EtcdProcess.freePort();
        return new EtcdDiscoveryClientProvider().create(new DiscoveryConfig(key, Map.of(
                "endpoints", closed, "dial-timeout", "300ms", "request-timeout", "1s")));
    }

    @Override
    protected Duration claimTtl() {
        return Duration.ofSeconds(2);
    }
}

package io.raftlite.server.e2e;

import io.raftlite.discovery.tck.EtcdProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Issue 4's proofs with {@code -disco-mode etcd-kv} against a real etcd (Debian's etcd-server) on loopback. */
class EtcdDiscoveryIT extends CheckAndSetDiscoveryScenarios {

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
    protected String mode() {
        return "etcd-kv";
    }

    @Override
    protected String config() {
        return "{\"endpoints\":[\"" + etcd.endpoint() + "\"],\"dial-timeout\":\"2s\"}";
    }

    @Override
    protected String hostPrefix() {
        return "127.0.0.10"; // nodes on 127.0.0.101-105
    }

    @Override
    protected void stopStore() {
        etcd.stop();
    }

    @Override
    protected void startStore() throws Exception {
        etcd.restart();
    }
}

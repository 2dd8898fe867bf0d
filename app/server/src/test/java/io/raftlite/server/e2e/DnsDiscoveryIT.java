package io.raftlite.server.e2e;

import io.raftlite.discovery.tck.DnsmasqServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * {@code -disco-mode dns} and {@code dns-srv} with {@code -bootstrap-expect 3} against a real dnsmasq on a
 * high loopback port: three nodes started together form one cluster in each mode.
 */
class DnsDiscoveryIT extends DiscoveryScenarios {

    private DnsmasqServer dns;

    @AfterEach
    void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void threeNodesFindEachOtherByARecordsAndFormOneCluster() throws Exception {
        int raftPort = NodeProcess.freePort("127.0.0.131");
        List<NodeProcess> group = List.of(
                NodeProcess.prepare("127.0.0.131", tmp.resolve("a/n1"), raftPort),
                NodeProcess.prepare("127.0.0.132", tmp.resolve("a/n2"), raftPort),
                NodeProcess.prepare("127.0.0.133", tmp.resolve("a/n3"), raftPort));
        nodes.addAll(group);
        DnsmasqServer.Records records = DnsmasqServer.records();
        for (NodeProcess n : group) {
            records = records.address("raftlite.test", n.host);
        }
        dns = DnsmasqServer.start(records);
        long ms = launchTogether(group, "-disco-mode", "dns", "-bootstrap-expect", "3", "-disco-config",
                "{\"name\":\"raftlite.test\",\"port\":" + raftPort + ",\"resolver\":\"" + dns.resolver() + "\"}");
        assertOneCluster(group, "dns");
        print("dns: 3 nodes simultaneous start to all ready: " + ms + " ms");
    }

    @Test
    void threeNodesFindEachOtherBySrvRecordsAndFormOneCluster() throws Exception {
        List<NodeProcess> group = List.of(
                NodeProcess.prepare("127.0.0.134", tmp.resolve("b/n1")),
                NodeProcess.prepare("127.0.0.135", tmp.resolve("b/n2")),
                NodeProcess.prepare("127.0.0.136", tmp.resolve("b/n3")));
        nodes.addAll(group);
        DnsmasqServer.Records records = DnsmasqServer.records();
        int i = 0;
        for (NodeProcess n : group) {
            String target = "n" + (++i) + ".srv.test";
            records = records.address(target, n.host).srv("_raftlite-raft._tcp.srv.test", target, n.raftPort);
        }
        dns = DnsmasqServer.start(records);
        long ms = launchTogether(group, "-disco-mode", "dns-srv", "-bootstrap-expect", "3", "-disco-config",
                "{\"name\":\"srv.test\",\"service\":\"raftlite-raft\",\"resolver\":\"" + dns.resolver() + "\"}");
        assertOneCluster(group, "srv");
        print("dns-srv: 3 nodes simultaneous start to all ready: " + ms + " ms");
    }
}

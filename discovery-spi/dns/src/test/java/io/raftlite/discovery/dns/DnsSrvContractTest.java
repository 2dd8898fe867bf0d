package io.raftlite.discovery.dns;

import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.tck.AddressListContract;
import io.raftlite.discovery.tck.DnsmasqServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

/**
 * The {@code dns-srv} mode against a real dnsmasq: three SRV records with their own ports. Two targets have
 * A records that dnsmasq puts in the additional section; the third is a CNAME, which dnsmasq leaves out of
 * it, so the client must look that target up itself. One target also has an AAAA record.
 */
class DnsSrvContractTest extends AddressListContract {

    private static DnsmasqServer dns;

    @BeforeAll
    static void startDns() throws Exception {
        dns = DnsmasqServer.start(DnsmasqServer.records()
                .address("n1.raftlite.test", "127.0.0.91")
                .address("n2.raftlite.test", "127.0.0.92")
                .address("n2.raftlite.test", "::1")
                .address("host3.raftlite.test", "127.0.0.93")
                .cname("n3.raftlite.test", "host3.raftlite.test")
                .srv("_raft._tcp.raftlite.test", "n1.raftlite.test", 5001)
                .srv("_raft._tcp.raftlite.test", "n2.raftlite.test", 5002)
                .srv("_raft._tcp.raftlite.test", "n3.raftlite.test", 5003));
    }

    @AfterAll
    static void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    @Override
    protected DiscoveryClient newClient() {
        return DnsTests.client("dns-srv", "name", "raftlite.test", "resolver", dns.resolver());
    }

    @Override
    protected DiscoveryClient clientForUnknownName() {
        return DnsTests.client("dns-srv", "name", "raftlite.test", "service", "nothing", "resolver", dns.resolver());
    }

    @Override
    protected DiscoveryClient unreachableClient() throws Exception {
        return DnsTests.client("dns-srv", "name", "raftlite.test", "resolver", "127.0.0.1:" + DnsTests.closedPort(),
                "timeout", "500ms");
    }

    @Override
    protected List<String> expectedAddresses() {
        return List.of("127.0.0.91:5001", "127.0.0.92:5002", "[::1]:5002", "127.0.0.93:5003");
    }
}

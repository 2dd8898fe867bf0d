package io.raftlite.discovery.dns;

import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.tck.AddressListContract;
import io.raftlite.discovery.tck.DnsmasqServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

/** The {@code dns} mode against a real dnsmasq serving three A records. */
class DnsContractTest extends AddressListContract {

    private static DnsmasqServer dns;

    @BeforeAll
    static void startDns() throws Exception {
        dns = DnsmasqServer.start(DnsmasqServer.records()
                .address("raftlite.test", "127.0.0.93")
                .address("raftlite.test", "127.0.0.91")
                .address("raftlite.test", "127.0.0.92"));
    }

    @AfterAll
    static void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    @Override
    protected DiscoveryClient newClient() {
        return DnsTests.client("dns", "name", "raftlite.test", "resolver", dns.resolver(), "timeout", "5s");
    }

    @Override
    protected DiscoveryClient clientForUnknownName() {
        return DnsTests.client("dns", "name", "nobody.raftlite.test", "resolver", dns.resolver());
    }

    @Override
    protected DiscoveryClient unreachableClient() throws Exception {
        return DnsTests.client("dns", "name", "raftlite.test", "resolver", "127.0.0.1:" + DnsTests.closedPort(),
                "timeout", "500ms");
    }

    @Override
    protected List<String> expectedAddresses() {
        return List.of("127.0.0.91:4002", "127.0.0.92:4002", "127.0.0.93:4002");
    }
}

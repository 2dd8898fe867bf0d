package io.raftlite.discovery.dns;

import io.raftlite.discovery.ClusterRecord;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryClients;
import io.raftlite.discovery.DiscoveryUnavailableException;
import io.raftlite.discovery.Member;
import io.raftlite.discovery.tck.DnsmasqServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the two DNS modes do beyond the address-list contract: settings, failures, records that change. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DnsProvidersTest {

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        opened.add(c);
        return c;
    }

    private DnsmasqServer dnsmasq(DnsmasqServer.Records records) throws Exception {
        return track(DnsmasqServer.start(records));
    }

    private static List<String> addresses(DiscoveryClient c) throws Exception {
        return c.read().orElseThrow().record().members().stream().map(Member::raftAddress).toList();
    }

    @Test
    void bothModesAreFoundOnTheClasspath() {
        DiscoveryClients clients = DiscoveryClients.load(getClass().getClassLoader());
        assertTrue(clients.modes().containsAll(List.of("dns", "dns-srv")), clients.modes().toString());
    }

    @Test
    void anUnknownSettingIsRefusedAndTheKnownOnesListed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DnsTests.client("dns", "nmae", "raftlite.test"));
        assertTrue(e.getMessage().contains("nmae") && e.getMessage().contains("known: name, port, resolver, timeout"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DnsTests.client("dns-srv", "port", 4002L));
        assertTrue(e.getMessage().contains("known: name, resolver, service, timeout"), e.getMessage());
    }

    @Test
    void badValuesAreRefusedNamingTheSetting() {
        assertMessage("'resolver' must be host:port, e.g. 10.96.0.10:53 or [fd00::a]:53, got 'x'",
                () -> DnsTests.client("dns", "resolver", "x"));
        assertMessage("'resolver' must be a port (1-65535), got 0", () -> DnsTests.client("dns", "resolver", "10.0.0.1:0"));
        assertMessage("'port' must be a port (1-65535), got 70000", () -> DnsTests.client("dns", "port", 70000L));
        assertMessage("'name' must be a DNS name", () -> DnsTests.client("dns", "name", "no spaces.test"));
        assertMessage("'timeout' must be a duration", () -> DnsTests.client("dns", "timeout", "soon"));
        assertMessage("'service' must be one label", () -> DnsTests.client("dns-srv", "service", "_raft._tcp"));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable create) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, create);
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should contain '" + part + "'");
    }

    @Test
    void anIpv6ResolverAddressIsAccepted() {
        track(DnsTests.client("dns", "resolver", "[::1]:53"));
    }

    @Test
    void anAddressRecordAddedLaterIsSeenByTheNextRead() throws Exception {
        DnsmasqServer dns = dnsmasq(DnsmasqServer.records().address("raftlite.test", "127.0.0.91"));
        DiscoveryClient c = track(DnsTests.client("dns", "name", "raftlite.test", "port", 4102L,
                "resolver", dns.resolver()));
        assertEquals(List.of("127.0.0.91:4102"), addresses(c));
        dns.restart(dns.served().address("raftlite.test", "127.0.0.92"));
        assertEquals(List.of("127.0.0.91:4102", "127.0.0.92:4102"), addresses(c), "no cache hides the new node");
    }

    @Test
    void anSrvRecordAddedLaterIsSeenByTheNextRead() throws Exception {
        DnsmasqServer dns = dnsmasq(DnsmasqServer.records()
                .address("n1.raftlite.test", "127.0.0.91").address("n2.raftlite.test", "127.0.0.92")
                .srv("_raft._tcp.raftlite.test", "n1.raftlite.test", 5001));
        DiscoveryClient c = track(DnsTests.client("dns-srv", "name", "raftlite.test", "resolver", dns.resolver()));
        assertEquals(List.of("127.0.0.91:5001"), addresses(c));
        dns.restart(dns.served().srv("_raft._tcp.raftlite.test", "n2.raftlite.test", 5002));
        assertEquals(List.of("127.0.0.91:5001", "127.0.0.92:5002"), addresses(c));
    }

    @Test
    void ipv6AddressesAreBracketedAndEveryNodeGetsTheSameSortedList() throws Exception {
        DnsmasqServer dns = dnsmasq(DnsmasqServer.records()
                .address("raftlite.test", "::1").address("raftlite.test", "fd00:0:0:0:0:0:0:a")
                .address("raftlite.test", "127.0.0.92").address("raftlite.test", "127.0.0.91"));
        DiscoveryClient c = track(DnsTests.client("dns", "name", "raftlite.test", "resolver", dns.resolver()));
        assertEquals(List.of("127.0.0.91:4002", "127.0.0.92:4002", "[::1]:4002", "[fd00::a]:4002"), addresses(c));
    }

    @Test
    void anAnswerTooLargeForUdpIsFetchedOverTcp() throws Exception {
        DnsmasqServer.Records records = DnsmasqServer.records();
        List<String> want = new ArrayList<>();
        for (int i = 1; i <= 120; i++) {
            records = records.address("raftlite.test", "127.0.1." + i);
            want.add("127.0.1." + i + ":4002");
        }
        DnsmasqServer dns = dnsmasq(records);
        DiscoveryClient c = track(DnsTests.client("dns", "name", "raftlite.test", "resolver", dns.resolver()));
        assertEquals(want.stream().sorted().toList(), addresses(c), "120 A records do not fit a UDP answer");
        dns.close();
        List<ProcessHandle> left = ProcessHandle.current().descendants()
                .filter(p -> p.info().command().orElse("").endsWith("dnsmasq")).toList();
        assertEquals(List.of(), left, "closing the server stops dnsmasq and the child serving TCP");
    }

    @Test
    void theDefaultsNeedNoSettings() {
        assertEquals("dns discovery of raftlite (A/AAAA, port 4002, resolver system)", track(DnsTests.client("dns")).toString());
        assertEquals("dns-srv discovery of _raft._tcp.raftlite (SRV, resolver system)",
                track(DnsTests.client("dns-srv")).toString());
    }

    @Test
    void duplicateTargetsAreListedOnce() throws Exception {
        DnsmasqServer dns = dnsmasq(DnsmasqServer.records()
                .address("n1.raftlite.test", "127.0.0.91")
                .cname("alias.raftlite.test", "n1.raftlite.test")
                .srv(new DnsmasqServer.Srv("_raft._tcp.raftlite.test", "n1.raftlite.test", 5001, 10, 10))
                .srv(new DnsmasqServer.Srv("_raft._tcp.raftlite.test", "n1.raftlite.test", 5001, 20, 5))
                .srv(new DnsmasqServer.Srv("_raft._tcp.raftlite.test", "alias.raftlite.test", 5001, 30, 5)));
        DiscoveryClient c = track(DnsTests.client("dns-srv", "name", "raftlite.test", "resolver", dns.resolver()));
        assertEquals(List.of("127.0.0.91:5001"), addresses(c));
    }

    @Test
    void aCnameIsFollowed() throws Exception {
        DnsmasqServer dns = dnsmasq(DnsmasqServer.records()
                .address("raftlite.test", "127.0.0.91").cname("alias.raftlite.test", "raftlite.test"));
        DiscoveryClient c = track(DnsTests.client("dns", "name", "alias.raftlite.test", "resolver", dns.resolver()));
        assertEquals(List.of("127.0.0.91:4002"), addresses(c));
    }

    @Test
    void aNameWithoutAddressesReadsEmpty() throws Exception {
        DnsmasqServer dns = dnsmasq(DnsmasqServer.records().address("n1.raftlite.test", "127.0.0.91")
                .srv("_raft._tcp.raftlite.test", "n1.raftlite.test", 5001));
        DiscoveryClient c = track(DnsTests.client("dns", "name", "_raft._tcp.raftlite.test", "resolver",
                dns.resolver()));
        assertEquals(Optional.empty(), c.read(), "a name with only SRV records has no address");
    }

    @Test
    void aRefusedQueryIsUnavailableNotEmpty() throws Exception {
        DnsmasqServer dns = dnsmasq(DnsmasqServer.records().address("raftlite.test", "127.0.0.91"));
        DiscoveryClient c = track(DnsTests.client("dns", "name", "raftlite.example", "resolver", dns.resolver()));
        DiscoveryUnavailableException e = assertThrows(DiscoveryUnavailableException.class, c::read);
        assertTrue(e.getMessage().contains("REFUSED"), e.getMessage());
    }

    /**
     * dnsmasq's default for a {@code --host-record} with only an IPv4 address outside a {@code --local} zone: A
     * is answered, AAAA is REFUSED (the server has no upstream to ask). As Go's resolver and glibc, the A
     * answers are used; the name with no address at all stays unavailable, not empty.
     */
    @Test
    void anAaaaQueryRefusedDoesNotHideTheAAnswers() throws Exception {
        DnsmasqServer dns = dnsmasq(new DnsmasqServer.Records(List.of(), List.of(), List.of(), List.of())
                .address("rl.test", "127.0.21.5").address("n1.rl.test", "127.0.21.6")
                .srv("_raft._tcp.rl.test", "n1.rl.test", 5001));
        DiscoveryClient c = track(DnsTests.client("dns", "name", "rl.test", "resolver", dns.resolver()));
        assertEquals(List.of("127.0.21.5:4002"), addresses(c));
        DiscoveryClient srv = track(DnsTests.client("dns-srv", "name", "rl.test", "resolver", dns.resolver()));
        assertEquals(List.of("127.0.21.6:5001"), addresses(srv), "an SRV target is resolved the same way");
        DiscoveryClient none = track(DnsTests.client("dns", "name", "other.test", "resolver", dns.resolver()));
        DiscoveryUnavailableException e = assertThrows(DiscoveryUnavailableException.class, none::read);
        assertTrue(e.getMessage().contains("REFUSED for other.test. A"), e.getMessage());
    }

    @Test
    void aServerFailureIsUnavailableNotEmpty() throws Exception {
        FakeDnsServer server = track(FakeDnsServer.answering(Rcode.SERVFAIL));
        for (String mode : List.of("dns", "dns-srv")) {
            DiscoveryClient c = track(DnsTests.client(mode, "name", "raftlite.test", "resolver", server.resolver()));
            DiscoveryUnavailableException e = assertThrows(DiscoveryUnavailableException.class, c::read);
            assertTrue(e.getMessage().contains("SERVFAIL"), e.getMessage());
        }
    }

    @Test
    void aSilentServerTimesOutAsUnavailable() throws Exception {
        FakeDnsServer server = track(FakeDnsServer.silent());
        for (String mode : List.of("dns", "dns-srv")) {
            DiscoveryClient c = track(DnsTests.client(mode, "name", "raftlite.test", "resolver", server.resolver(),
                    "timeout", "300ms"));
            DiscoveryUnavailableException e = assertThrows(DiscoveryUnavailableException.class, c::read);
            assertTrue(e.getMessage().contains("within 300 ms"), e.getMessage());
        }
    }

    @Test
    void checkAndSetIsRefusedSayingWhy() {
        DiscoveryClient c = track(DnsTests.client("dns", "resolver", "127.0.0.1:53"));
        ClusterRecord r = ClusterRecord.claimed("x", Member.at("127.0.0.1:4002"), 0);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> c.claim(r, Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("DNS has no check-and-set"), e.getMessage());
        assertEquals("dns", c.mode());
        assertEquals("raftlite", c.key());
    }

    @Test
    void relativeNamesGoThroughTheSearchPathLikeResolvConf() throws Exception {
        List<Name> search = List.of(Name.fromString("default.svc.cluster.local."), Name.fromString("cluster.local."));
        assertEquals(names("raftlite.default.svc.cluster.local.", "raftlite.cluster.local.", "raftlite."),
                DnsLookup.candidates("raftlite", search, 1), "fewer dots than ndots: the search path first");
        assertEquals(names("a.b.", "a.b.default.svc.cluster.local.", "a.b.cluster.local."),
                DnsLookup.candidates("a.b", search, 1), "at least ndots dots: the name as it is first");
        assertEquals(names("raftlite."), DnsLookup.candidates("raftlite.", search, 1), "a trailing dot is absolute");
        assertEquals(names("raftlite."), DnsLookup.candidates("raftlite", List.of(), 1),
                "with a named resolver there is no search path");
    }

    private static List<Name> names(String... names) throws Exception {
        List<Name> out = new ArrayList<>();
        for (String n : names) {
            out.add(Name.fromString(n));
        }
        return out;
    }

    @Test
    void ipv6RaftAddressesUseTheShortestForm() throws Exception {
        assertEquals("[2001:db8:0:1::1]:4002",
                DnsDiscoveryClient.raftAddress(InetAddress.getByName("2001:db8:0:1:0:0:0:1"), 4002));
        assertEquals("[1:0:2::3:0:4]:1", DnsDiscoveryClient.raftAddress(InetAddress.getByName("1:0:2:0:0:3:0:4"), 1));
        assertEquals("[::]:1", DnsDiscoveryClient.raftAddress(InetAddress.getByName("::"), 1));
        assertEquals("[1::]:1", DnsDiscoveryClient.raftAddress(InetAddress.getByName("1::"), 1));
        assertEquals("10.0.0.1:4002", DnsDiscoveryClient.raftAddress(InetAddress.getByName("10.0.0.1"), 4002));
    }
}

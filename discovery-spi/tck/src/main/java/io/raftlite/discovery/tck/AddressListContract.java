package io.raftlite.discovery.tck;

import io.raftlite.discovery.ClusterRecord;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryUnavailableException;
import io.raftlite.discovery.Member;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The contract of an address-list {@link DiscoveryClient} (DNS A/AAAA, DNS SRV): it resolves the nodes'
 * Raft addresses and offers no check-and-set. A provider's test extends this class and serves
 * {@link #expectedAddresses()} under the name {@link #newClient()} resolves.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class AddressListContract {

    private final List<DiscoveryClient> opened = new ArrayList<>();

    /** A client for the name that resolves to {@link #expectedAddresses()}. */
    protected abstract DiscoveryClient newClient() throws Exception;

    /** A client for a name the server does not know. */
    protected abstract DiscoveryClient clientForUnknownName() throws Exception;

    /** A client whose resolver does not answer (a closed loopback port). */
    protected abstract DiscoveryClient unreachableClient() throws Exception;

    /** The {@code host:port} Raft addresses the served name resolves to. */
    protected abstract List<String> expectedAddresses();

    @AfterEach
    void closeClients() {
        opened.forEach(DiscoveryClient::close);
        opened.clear();
    }

    private DiscoveryClient track(DiscoveryClient c) {
        opened.add(c);
        return c;
    }

    @Test
    void resolvesEveryAddressSortedAsAListedRecord() throws Exception {
        ClusterRecord r = track(newClient()).read().orElseThrow().record();
        assertEquals(ClusterRecord.State.LISTED, r.state());
        List<String> got = r.members().stream().map(Member::raftAddress).toList();
        List<String> want = expectedAddresses().stream().sorted(Comparator.naturalOrder()).toList();
        assertEquals(want, got, "addresses are listed sorted so every node sees the same order");
    }

    @Test
    void resolvesTheSameAfterAClientRestart() throws Exception {
        DiscoveryClient first = newClient();
        ClusterRecord before = first.read().orElseThrow().record();
        first.close();
        assertEquals(before, track(newClient()).read().orElseThrow().record());
    }

    @Test
    void anUnknownNameResolvesToNothing() throws Exception {
        assertEquals(Optional.empty(), track(clientForUnknownName()).read());
    }

    @Test
    void offersNoCheckAndSet() throws Exception {
        DiscoveryClient c = track(newClient());
        assertFalse(c.checkAndSet());
        ClusterRecord r = ClusterRecord.claimed("x", Member.at("127.0.0.1:1"), 0);
        assertThrows(UnsupportedOperationException.class, () -> c.claim(r, Duration.ofSeconds(10)));
        assertThrows(UnsupportedOperationException.class, () -> c.replace(r, 1));
        assertThrows(UnsupportedOperationException.class, () -> c.delete(1));
    }

    @Test
    void anUnreachableResolverGivesATypedError() throws Exception {
        DiscoveryClient c = track(unreachableClient());
        assertThrows(DiscoveryUnavailableException.class, c::read);
    }
}

package io.raftlite.server.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.raftlite.core.discovery.DiscoveryTracker;
import io.raftlite.core.store.PeerEvents;
import io.raftlite.core.store.StoreException;
import io.raftlite.core.store.StoreStatus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gauges read the store when scraped, once per scrape, and say NaN/unknown while it is not running. */
class NodeGaugesTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicReference<StoreStatus> status = new AtomicReference<>(status("FOLLOWER", 7, 40, 38));

    private static StoreStatus status(String role, long term, long commit, long applied) {
        return new StoreStatus("n1", role, term, "n2", "127.0.0.172:4002", commit, applied, 30, 4096, "g", true);
    }

    private NodeGauges bind(Optional<DiscoveryTracker.Status> discovery) {
        return NodeGauges.bind(registry, () -> {
            reads.incrementAndGet();
            StoreStatus s = status.get();
            if (s == null) {
                throw new StoreException(StoreException.Reason.UNAVAILABLE, "store is not running", null);
            }
            return s;
        }, () -> discovery);
    }

    private double gauge(String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    @Test
    void peerChangesAreCountersByChange() {
        AtomicReference<PeerEvents> events = new AtomicReference<>(PeerEvents.NONE);
        NodeGauges.bindPeerEvents(registry, events::get);
        events.set(new PeerEvents(3, 2, 1));
        assertEquals(3.0, registry.get("raftlite.raft.peer.changes").tags("change", "down").functionCounter().count());
        assertEquals(2.0, registry.get("raftlite.raft.peer.changes").tags("change", "back").functionCounter().count());
        assertEquals(1.0, registry.get("raftlite.raft.peer.changes").tags("change", "caught_up").functionCounter().count());
    }

    @Test
    void readsTheStoreOnceForAllGaugesOfAScrape() {
        bind(Optional.empty());
        assertEquals(0, reads.get(), "nothing is read before a scrape");
        assertEquals(1.0, gauge("raftlite.raft.role", "role", "follower"));
        assertEquals(0.0, gauge("raftlite.raft.role", "role", "leader"));
        assertEquals(7.0, gauge("raftlite.raft.term"));
        assertEquals(40.0, gauge("raftlite.raft.commit.index"));
        assertEquals(38.0, gauge("raftlite.raft.applied.index"));
        assertEquals(30.0, gauge("raftlite.raft.snapshot.index"));
        assertEquals(4096.0, gauge("raftlite.db.size"));
        assertEquals(1.0, gauge("raftlite.node.ready"));
        assertEquals(1, reads.get(), "one status for the whole scrape");
        assertNull(registry.find("raftlite.discovery.reachable").gauge(), "no discovery series when it is off");
    }

    @Test
    void aStoppedStoreIsUnknownAndNaN() {
        status.set(null);
        bind(Optional.empty());
        assertEquals(1.0, gauge("raftlite.raft.role", "role", "unknown"));
        assertEquals(0.0, gauge("raftlite.raft.role", "role", "follower"));
        assertTrue(Double.isNaN(gauge("raftlite.raft.term")));
    }

    @Test
    void discoverySaysWhetherTheStoreAnswersAndSinceWhen() {
        DiscoveryTracker tracker = new DiscoveryTracker("etcd-kv", "raftlite");
        AtomicReference<DiscoveryTracker.Status> now = new AtomicReference<>(tracker.status());
        NodeGauges.bind(registry, () -> status.get(), () -> Optional.of(now.get()));
        assertEquals(0.0, gauge("raftlite.discovery.reachable", "mode", "etcd-kv"), "no answer yet");
        assertTrue(Double.isNaN(gauge("raftlite.discovery.last.contact.age", "mode", "etcd-kv")));
        tracker.contact(null);
        now.set(tracker.status());
        assertEquals(1.0, gauge("raftlite.discovery.reachable", "mode", "etcd-kv"));
        double age = gauge("raftlite.discovery.last.contact.age", "mode", "etcd-kv");
        assertTrue(age >= 0 && age < 60, "age " + age);
        tracker.failure(new IOException("connection refused"));
        now.set(tracker.status());
        assertEquals(0.0, gauge("raftlite.discovery.reachable", "mode", "etcd-kv"));
    }
}

package io.raftlite.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.raftlite.core.discovery.DiscoveryTracker;
import io.raftlite.core.store.PeerEvents;
import io.raftlite.core.store.StoreStatus;
import io.raftlite.server.http.StatusApi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The store's and the discovery store's state as gauges, read when scraped. One scrape reads the store's
 * status once (it asks SQLite for the database size): the sample is reused for {@link #MAX_AGE}. While the
 * store is not running every gauge is NaN and the role is UNKNOWN.
 */
public final class NodeGauges {

    /** The values of the {@code role} label. */
    static final List<String> ROLES = List.of("LEADER", "FOLLOWER", "CANDIDATE", "LISTENER", "UNKNOWN");
    static final Duration MAX_AGE = Duration.ofSeconds(1);

    private final Supplier<StoreStatus> status;
    private StoreStatus sample;
    private long sampledAt;

    private NodeGauges(Supplier<StoreStatus> status) {
        this.status = status;
    }

    /**
     * Registers the gauges on {@code registry}; the discovery gauges only when {@code discovery} has a status
     * (discovery is on).
     *
     * @param status    the store's status; may throw while the store is not running
     * @param discovery what the node knows of its discovery store, empty when discovery is off
     */
    public static NodeGauges bind(MeterRegistry registry, Supplier<StoreStatus> status,
                                  Supplier<Optional<DiscoveryTracker.Status>> discovery) {
        NodeGauges g = new NodeGauges(status);
        for (String role : ROLES) {
            Gauge.builder("raftlite.raft.role", g, x -> role.equals(x.role()) ? 1 : 0).strongReference(true)
                    .tag("role", role.toLowerCase(Locale.ROOT))
                    .description("1 for this node's current Raft role, 0 for the others").register(registry);
        }
        g.gauge(registry, "raftlite.raft.term", "The current Raft term", s -> s.term());
        g.gauge(registry, "raftlite.raft.commit.index", "The highest log index known committed", s -> s.commitIndex());
        g.gauge(registry, "raftlite.raft.applied.index", "The highest log index applied to SQLite here",
                s -> s.appliedIndex());
        g.gauge(registry, "raftlite.raft.snapshot.index", "The log index of the newest snapshot",
                s -> s.snapshotIndex());
        g.gauge(registry, "raftlite.node.ready", "1 when /readyz would answer 200", s -> StatusApi.isReady(s) ? 1 : 0);
        Gauge.builder("raftlite.db.size", g, x -> x.value(StoreStatus::dbSizeBytes)).strongReference(true)
                .baseUnit("bytes").description("Size of the SQLite database").register(registry);
        discovery.get().ifPresent(d -> bindDiscovery(registry, d.mode(), discovery));
        return g;
    }

    private static void bindDiscovery(MeterRegistry registry, String mode,
                                      Supplier<Optional<DiscoveryTracker.Status>> discovery) {
        Gauge.builder("raftlite.discovery.reachable", discovery,
                        d -> d.get().map(s -> s.reachable() ? 1.0 : 0.0).orElse(Double.NaN))
                .strongReference(true).tag("mode", mode)
                .description("1 when the last request to the discovery store succeeded").register(registry);
        Gauge.builder("raftlite.discovery.last.contact.age", discovery,
                        d -> d.get().map(NodeGauges::contactAge).orElse(Double.NaN))
                .strongReference(true).tag("mode", mode).baseUnit("seconds")
                .description("Time since the discovery store last answered (NaN: never)").register(registry);
    }

    private static double contactAge(DiscoveryTracker.Status s) {
        Instant last = s.lastContact();
        return last == null ? Double.NaN : Duration.between(last, Instant.now()).toMillis() / 1000.0;
    }

    /**
     * {@code raftlite_raft_peer_changes_total{change}}: on the leader, followers seen going down, coming back
     * and catching up (one log line each, see the store's {@code PeerWatch}).
     */
    public static void bindPeerEvents(MeterRegistry registry, Supplier<PeerEvents> events) {
        Map<String, ToDoubleFunction<Supplier<PeerEvents>>> changes = Map.of("down", e -> e.get().down(),
                "back", e -> e.get().back(), "caught_up", e -> e.get().caughtUp());
        changes.forEach((change, f) -> FunctionCounter.builder("raftlite.raft.peer.changes", events, f)
                .tag("change", change).description("Followers seen going down, coming back and catching up while"
                        + " this node led").register(registry));
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<StoreStatus> f) {
        Gauge.builder(name, this, x -> x.value(f)).strongReference(true).description(description).register(registry);
    }

    private double value(ToDoubleFunction<StoreStatus> f) {
        StoreStatus s = sample();
        return s == null ? Double.NaN : f.applyAsDouble(s);
    }

    private String role() {
        StoreStatus s = sample();
        return s == null ? "UNKNOWN" : s.role();
    }

    private synchronized StoreStatus sample() {
        long now = System.nanoTime();
        if (sample == null || now - sampledAt > MAX_AGE.toNanos()) {
            try {
                sample = status.get();
            } catch (RuntimeException e) { // not running (starting, restarting, closed)
                sample = null;
            }
            sampledAt = now;
        }
        return sample;
    }
}

package io.raftlite.server;

import io.raftlite.core.store.NodeMeta;
import io.raftlite.core.store.RaftStore;
import io.raftlite.core.store.StoreNode;
import io.raftlite.core.store.StoreStatus;
import io.raftlite.server.http.ClusterView;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Who is who in the cluster: the store's configuration, plus each member's HTTP API address learnt over the
 * Raft-side node-metadata RPC. API addresses are cached per node id (they change only with a restart under
 * new flags, and a failed lookup drops the entry).
 */
final class ClusterDirectory implements ClusterView {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final RaftStore store;
    private final String selfId;
    private final String selfApiAddress;
    private final ConcurrentHashMap<String, String> apiAddresses = new ConcurrentHashMap<>();

    ClusterDirectory(RaftStore store, String selfId, String selfApiAddress) {
        this.store = store;
        this.selfId = selfId;
        this.selfApiAddress = selfApiAddress;
    }

    @Override
    public StoreStatus status() {
        return store.status();
    }

    /** The leader's API URL, asking the leader once per leader id. */
    Optional<String> leaderApiAddress() {
        String leader = store.leaderId();
        if (leader == null) {
            return Optional.empty();
        }
        if (leader.equals(selfId)) {
            return Optional.of(selfApiAddress);
        }
        String cached = apiAddresses.get(leader);
        if (cached != null) {
            return Optional.of(cached);
        }
        return lookup(leader).map(NodeMeta::apiAddress);
    }

    /** The leader, asked for its metadata now as rqlite does (its {@code time}, {@code version}). */
    @Override
    public Optional<Member> leader() {
        String leader = store.leaderId();
        if (leader == null) {
            return Optional.empty();
        }
        for (StoreNode n : store.nodes()) {
            if (n.id().equals(leader)) {
                return Optional.of(answer(ask(n), true));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<Member> members(boolean probe) {
        String leader = store.leaderId();
        List<StoreNode> nodes = store.isRunning() ? store.nodes() : List.of(); // not yet: still joining
        if (!probe) {
            return nodes.stream().map(n -> new Member(n.id(), n.id().equals(selfId) ? selfApiAddress
                    : apiAddresses.getOrDefault(n.id(), ""), n.address(), n.voter(), n.id().equals(selfId),
                    n.id().equals(leader), null, n.id().equals(selfId) ? NodeMeta.CURRENT_VERSION : "", null)).toList();
        }
        List<Probe> probes = nodes.stream().map(this::ask).toList(); // all asked at once, then awaited
        return probes.stream().map(p -> answer(p, p.node().id().equals(leader))).toList();
    }

    /** One metadata request in flight: when it started and when its answer came (null: this node itself). */
    private record Probe(StoreNode node, long start, CompletableFuture<Long> answeredAt,
                         CompletableFuture<NodeMeta> meta) {
    }

    private Probe ask(StoreNode n) {
        long start = System.nanoTime();
        if (n.id().equals(selfId)) {
            return new Probe(n, start, null, null);
        }
        CompletableFuture<NodeMeta> meta = store.nodeMeta(n.id(), PROBE_TIMEOUT).toCompletableFuture();
        return new Probe(n, start, meta.handle((m, e) -> System.nanoTime()), meta);
    }

    /**
     * Member {@code p} with what it answered and how long that took (this node answers for itself at once, as
     * rqlite's local short cut does): rqlite's {@code Node.Test}.
     */
    private Member answer(Probe p, boolean isLeader) {
        StoreNode n = p.node();
        if (p.meta() == null) {
            return new Member(n.id(), selfApiAddress, n.address(), n.voter(), true, isLeader, null,
                    NodeMeta.CURRENT_VERSION, Duration.ofNanos(System.nanoTime() - p.start()));
        }
        try {
            NodeMeta meta = p.meta().get(PROBE_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            apiAddresses.put(n.id(), meta.apiAddress());
            return new Member(n.id(), meta.apiAddress(), n.address(), n.voter(), true, isLeader, null,
                    meta.version().isEmpty() ? "unknown" : meta.version(), elapsed(p));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Member(n.id(), "", n.address(), n.voter(), false, isLeader, "interrupted", "", elapsed(p));
        } catch (Exception e) {
            apiAddresses.remove(n.id());
            return new Member(n.id(), "", n.address(), n.voter(), false, isLeader, "unreachable: " + rootMessage(e),
                    "", elapsed(p));
        }
    }

    private static Duration elapsed(Probe p) {
        Long end = p.answeredAt().getNow(null);
        return Duration.ofNanos((end == null ? System.nanoTime() : end) - p.start());
    }

    private Optional<NodeMeta> lookup(String id) {
        try {
            NodeMeta meta = store.nodeMeta(id, PROBE_TIMEOUT).get(PROBE_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            apiAddresses.put(id, meta.apiAddress());
            return Optional.of(meta);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}

package io.raftlite.server;

import io.raftlite.core.store.NodeMeta;
import io.raftlite.core.store.RaftStore;
import io.raftlite.core.store.StoreNode;
import io.raftlite.core.store.StoreStatus;
import io.raftlite.server.http.ClusterView;

import java.time.Duration;
import java.util.ArrayList;
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

    @Override
    public Optional<Member> leader() {
        String leader = store.leaderId();
        if (leader == null) {
            return Optional.empty();
        }
        Optional<String> api = leaderApiAddress();
        for (StoreNode n : store.nodes()) {
            if (n.id().equals(leader)) {
                return Optional.of(new Member(n.id(), api.orElse(""), n.address(), n.voter(), api.isPresent(), true,
                        api.isPresent() ? null : "unreachable"));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<Member> members(boolean probe) {
        String leader = store.leaderId();
        List<StoreNode> nodes = store.nodes();
        List<CompletableFuture<NodeMeta>> metas = new ArrayList<>();
        for (StoreNode n : nodes) {
            metas.add(!probe || n.id().equals(selfId) ? null
                    : store.nodeMeta(n.id(), PROBE_TIMEOUT).toCompletableFuture());
        }
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            StoreNode n = nodes.get(i);
            boolean isLeader = n.id().equals(leader);
            if (n.id().equals(selfId)) {
                members.add(new Member(n.id(), selfApiAddress, n.address(), n.voter(), true, isLeader, null));
                continue;
            }
            if (metas.get(i) == null) {
                members.add(new Member(n.id(), apiAddresses.getOrDefault(n.id(), ""), n.address(), n.voter(),
                        false, isLeader, null));
                continue;
            }
            try {
                NodeMeta meta = metas.get(i).get(PROBE_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
                apiAddresses.put(n.id(), meta.apiAddress());
                members.add(new Member(n.id(), meta.apiAddress(), n.address(), n.voter(), true, isLeader, null));
            } catch (Exception e) {
                apiAddresses.remove(n.id());
                members.add(new Member(n.id(), "", n.address(), n.voter(), false, isLeader,
                        "unreachable: " + rootMessage(e)));
            }
        }
        return members;
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

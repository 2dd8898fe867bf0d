package io.raftlite.core.membership;

import io.raftlite.core.store.StoreConfig;
import io.raftlite.core.store.StoreException;
import io.raftlite.core.store.RaftTransport;
import io.raftlite.core.store.RaftStore;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * rqlite's {@code -bootstrap-expect N}: every node runs the same command line listing the same N Raft
 * addresses; the first cluster that exists is joined, otherwise the N nodes form one together. The node's
 * server already runs with an empty group ({@code start(false)}), so it answers a group-info request with no
 * peers and its own id: that is how the waiting nodes learn of each other, over Ratis RPCs only.
 *
 * <p>Each round (interval with jitter) asks every address for the group info, then:
 * <ol>
 *   <li>this node's own configuration already lists it (a leader replicated to it): done;</li>
 *   <li>some address answers with a non-empty group: if that group lists this node's id, another node
 *       already formed the cluster with us in it, so the server restarts with exactly that group; otherwise
 *       the node joins it through the normal {@code join} path (joining always comes first);</li>
 *   <li>otherwise, once this node and at least {@code expect} distinct ids answer with an empty group, the
 *       server restarts with the group computed from that set ({@link #initialGroup}): ids sorted, the first
 *       {@link StoreConfig.Membership#targetVoters} are voters, the rest listeners. Every node that sees the
 *       same set computes the same group, so they all start with identical initial configurations and an ordinary election yields
 *       exactly one leader of one group (hashicorp raft's {@code BootstrapCluster} with one configuration).
 *       A node whose own address is not listed never forms the cluster; it waits until it can join.</li>
 * </ol>
 * The set is the same on every node only when {@code -join} lists exactly the N nodes (rqlite's rule): with
 * more addresses, two nodes could see different subsets of N and form two groups.
 */
public final class Bootstrapper {

    private static final Logger LOG = LoggerFactory.getLogger(Bootstrapper.class);
    private static final Duration MAX_PROBE_TIMEOUT = Duration.ofSeconds(2);

    /** What the bootstrapper does to the local node. */
    interface Node {
        /** Whether this node's own configuration lists it (from its log or a leader's replication). */
        boolean isMember();

        /** Replaces the running empty-group server by one started with this initial group. */
        void restartWith(RaftGroup group) throws IOException;

        /** Joins the existing group through the listed addresses; fails with StoreException after timeout. */
        void join(Duration timeout) throws InterruptedException, IOException;
    }

    /** One round's answers: an existing group (or null), else the waiting nodes by id with their address. */
    private record Round(RaftGroup existing, Map<RaftPeerId, String> waiting, String lastError) {
    }

    private final RaftTransport transport;
    private final RaftGroupId groupId;
    private final RaftPeerId self;
    private final List<String> addresses;
    private final int expect;
    private final StoreConfig.Membership membership;
    private final Duration interval;
    private Consumer<String> progress = text -> { };

    Bootstrapper(RaftTransport transport, RaftGroupId groupId, RaftPeerId self, List<String> addresses, int expect,
                 StoreConfig.Membership membership, Duration interval) {
        if (addresses.isEmpty() || expect < 1) {
            throw new IllegalArgumentException("bootstrap needs join addresses and expect >= 1");
        }
        this.transport = transport;
        this.groupId = groupId;
        this.self = self;
        this.addresses = List.copyOf(addresses);
        this.expect = expect;
        this.membership = membership;
        this.interval = interval;
    }

    /** Reports each change of what the rounds wait for (see {@link RaftStore#onProgress}). */
    Bootstrapper reportingTo(Consumer<String> listener) {
        progress = listener;
        return this;
    }

    /**
     * Returns once this node formed, recovered into or joined the group.
     *
     * @throws StoreException UNAVAILABLE when neither happened within {@code timeout}
     */
    void run(Node node, Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (addresses.size() != expect) {
            LOG.warn("bootstrap-expect {} with {} join addresses: {}", expect, addresses.size(), addresses.size() > expect
                    ? "list exactly the nodes that form the cluster, or two nodes may form two clusters"
                    : "too few to form a cluster; this node can only join one that exists");
        }
        while (!node.isMember()) {
            Round round = probe(Duration.ofNanos(Math.min(MAX_PROBE_TIMEOUT.toNanos(),
                    Math.max(TimeUnit.MILLISECONDS.toNanos(200), deadline - System.nanoTime()))));
            if (node.isMember()) { // a leader reached this node while it probed: nothing to restart
                return;
            }
            if (round.existing() != null) {
                if (round.existing().getPeer(self) != null) {
                    LOG.info("the cluster was formed with this node in it; starting with {}", round.existing().getPeers());
                    progress.accept("cluster formed with this node in it, starting");
                    node.restartWith(round.existing());
                } else {
                    LOG.info("a cluster exists; joining it through {}", addresses);
                    node.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                }
                return;
            }
            if (round.waiting().containsKey(self) && round.waiting().size() >= expect) {
                RaftGroup group = initialGroup(groupId, round.waiting(), membership);
                progress.accept("forming the cluster with " + round.waiting().size() + " nodes");
                LOG.info("{} nodes found via {}: forming the cluster {}", round.waiting().size(), addresses,
                        group.getPeers());
                node.restartWith(group);
                return;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new StoreException(StoreException.Reason.UNAVAILABLE, timeoutMessage(round, timeout), null);
            }
            progress.accept("waiting for " + expect + " nodes via " + String.join(",", addresses) + ": "
                    + round.waiting().size() + " found");
            LOG.debug("bootstrap: {} of {} nodes waiting via {} ({})", round.waiting().size(), expect, addresses,
                    round.lastError());
            long jittered = (long) (interval.toMillis() * (0.5 + ThreadLocalRandom.current().nextDouble()));
            Thread.sleep(Math.max(1, Math.min(jittered, left)));
        }
    }

    private String timeoutMessage(Round round, Duration timeout) {
        String within = " within " + timeout.toSeconds() + "s";
        if (round.waiting().size() >= expect) {
            return "bootstrap-expect " + expect + ": " + round.waiting().size() + " nodes found via " + addresses
                    + " but not this node (" + self + "), and no cluster to join" + within
                    + "; list this node's Raft address in -join";
        }
        return "bootstrap-expect " + expect + ": only " + round.waiting().size() + " of " + expect
                + " nodes found via " + addresses + within
                + (round.lastError() == null ? "" : " (last error: " + round.lastError() + ")");
    }

    /**
     * Asks every address for the group info through a client whose peers carry placeholder ids (Ratis routes
     * by group id; the answer names the real id). A fresh client each round: a long-lived gRPC channel to a
     * node that is not up yet backs off and would see it late. One RPC per address, no retries.
     */
    private Round probe(Duration rpcTimeout) {
        List<RaftPeer> placeholders = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            placeholders.add(RaftPeer.newBuilder().setId("probe-" + i).setAddress(addresses.get(i)).build());
        }
        Map<RaftPeerId, String> waiting = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        String lastError = null;
        try (RaftClient client = transport.client(RaftGroup.valueOf(groupId, placeholders), null, rpcTimeout,
                RetryPolicies.noRetry())) {
            for (RaftPeer p : placeholders) {
                try {
                    GroupInfoReply info = client.getGroupManagementApi(p.getId()).info(groupId);
                    if (!info.isSuccess()) {
                        lastError = p.getAddress() + ": " + info.getException();
                    } else if (!info.getGroup().getPeers().isEmpty()) {
                        return new Round(info.getGroup(), Map.of(), null);
                    } else {
                        // the same node listed twice (other names): keep one address, the same on every node
                        waiting.merge(RaftPeerId.valueOf(info.getRoleInfoProto().getSelf().getId()), p.getAddress(),
                                (a, b) -> a.compareTo(b) <= 0 ? a : b);
                    }
                } catch (IOException | RuntimeException e) { // an unreachable address fails with a gRPC runtime exception
                    lastError = transport.explain(p.getAddress(), e);
                }
            }
        } catch (IOException e) {
            lastError = "closing the probe client: " + e.getMessage();
        }
        return new Round(null, waiting, lastError);
    }

    /**
     * The addresses among {@code addresses} where a node answers as a member of a group with this id (a
     * node waiting with an empty group does not count): what {@code -disco-reset} refuses to clear under.
     */
    static List<String> members(RaftTransport transport, RaftGroupId groupId, List<String> addresses,
                                Duration rpcTimeout) {
        List<String> answering = new ArrayList<>();
        for (String address : addresses) {
            RaftPeer p = RaftPeer.newBuilder().setId("probe").setAddress(address).build();
            try (RaftClient client = transport.client(RaftGroup.valueOf(groupId, p), null, rpcTimeout,
                    RetryPolicies.noRetry())) {
                GroupInfoReply info = client.getGroupManagementApi(p.getId()).info(groupId);
                if (info.isSuccess() && !info.getGroup().getPeers().isEmpty()) {
                    answering.add(address);
                }
            } catch (IOException | RuntimeException e) {
                // not answering, or not in this group
            }
        }
        return answering;
    }

    /**
     * The group every node computes from the same waiting set: ids in order, the first
     * {@link StoreConfig.Membership#targetVoters} of them voters and the rest listeners, each at the address it
     * answered on.
     */
    public static RaftGroup initialGroup(RaftGroupId groupId, Map<RaftPeerId, String> nodes,
                                  StoreConfig.Membership membership) {
        List<RaftPeerId> ids = new ArrayList<>(nodes.keySet());
        ids.sort((a, b) -> a.toString().compareTo(b.toString()));
        int voters = membership.targetVoters(ids.size());
        List<RaftPeer> peers = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            peers.add(RaftPeer.newBuilder().setId(ids.get(i)).setAddress(nodes.get(ids.get(i)))
                    .setStartupRole(i < voters ? RaftPeerRole.FOLLOWER : RaftPeerRole.LISTENER).build());
        }
        return RaftGroup.valueOf(groupId, peers);
    }
}

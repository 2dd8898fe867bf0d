package io.raftlite.core.store;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Adds this node to an existing group through any member (rqlite's join). The given addresses are reached
 * with a {@link RaftClient} whose peers carry placeholder ids (Ratis routes requests by group id only) to ask
 * the first one that answers for the group info; {@code setConfiguration} then goes through a client over
 * the real members, starting with the leader that member knows of, and follows NotLeaderException.
 *
 * <p>The caller first reads the membership ({@link #membership}) and picks the role ({@link #roleFor}), because
 * a node that will be a listener has to restart its server before it is added. Per attempt of {@link #join},
 * with the membership as that member sees it:
 * <ul>
 *   <li>same id and address already there, in whatever role: accepted as is (idempotent re-join; the
 *       leader's balancer owns roles once a node is in);</li>
 *   <li>id absent: a compare-and-set change ({@link ConfChange}) from the membership just read (a stale view
 *       fails and is retried).</li>
 *   <li>same id with another address: refused at once, not retried. Ratis 3.2.2 cannot move a member:
 *       every server keeps one gRPC proxy per peer id, created with the first address it saw
 *       ({@code PeerProxyMap.computeIfAbsent}); nothing removes an entry ({@code resetProxy} re-creates it
 *       from the same old {@code RaftPeer}), so even remove-then-add would keep dialing the old address from
 *       every server until each one restarts.</li>
 * </ul>
 * Other failures are retried with jittered backoff until the timeout.
 */
final class Joiner {

    private static final Logger LOG = LoggerFactory.getLogger(Joiner.class);
    private static final Duration MAX_RPC_TIMEOUT = Duration.ofSeconds(30);
    private static final RetryPolicy RETRY =
            RetryPolicies.retryUpToMaximumCountWithFixedSleep(5, TimeDuration.valueOf(50, TimeUnit.MILLISECONDS));

    /** The group as one member sees it (voters, then listeners with the LISTENER startup role) and its leader. */
    record Membership(RaftGroup group, RaftPeerId leader) {
        List<RaftPeer> voters() {
            return group.getPeers().stream().filter(p -> p.getStartupRole() != RaftPeerRole.LISTENER).toList();
        }

        List<RaftPeer> listeners() {
            return group.getPeers().stream().filter(p -> p.getStartupRole() == RaftPeerRole.LISTENER).toList();
        }

        int size() {
            return group.getPeers().size();
        }

        Optional<RaftPeer> find(RaftPeerId id) {
            return group.getPeers().stream().filter(p -> p.getId().equals(id)).findFirst();
        }
    }

    private final RaftGroupId groupId;
    private final RaftPeer self;
    private final List<String> addresses;
    private final Duration interval;

    Joiner(RaftGroupId groupId, RaftPeer self, List<String> addresses, Duration interval) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no join address");
        }
        this.groupId = groupId;
        this.self = self;
        this.addresses = List.copyOf(addresses);
        this.interval = interval;
    }

    /**
     * The role this node takes: the one it already has when its id and address are members; a listener when
     * {@code forcedListener}; otherwise a voter while the voters are fewer than the target for the membership
     * including this node, else a listener.
     *
     * @throws StoreException UNAVAILABLE when the id is a member at another address
     */
    RaftPeerRole roleFor(Membership m, boolean forcedListener, StoreConfig.Membership settings) {
        Optional<RaftPeer> existing = m.find(self.getId());
        if (existing.isPresent()) {
            try {
                refuseMove(existing.get(), self);
            } catch (Refused e) {
                throw unavailable(e.getMessage());
            }
            return existing.get().getStartupRole() == RaftPeerRole.LISTENER ? RaftPeerRole.LISTENER : RaftPeerRole.FOLLOWER;
        }
        if (forcedListener) {
            return RaftPeerRole.LISTENER;
        }
        return m.voters().size() < settings.targetVoters(m.size() + 1) ? RaftPeerRole.FOLLOWER : RaftPeerRole.LISTENER;
    }

    /** Reads the membership through the first member that answers, retrying until {@code timeout}. */
    Membership membership(Duration timeout) throws InterruptedException {
        return retrying(timeout, rpcTimeout -> {
            GroupInfoReply info = currentInfo(rpcTimeout);
            return new Membership(info.getGroup(), leaderOf(info.getRoleInfoProto()));
        });
    }

    /**
     * Blocks until the membership holds this node in {@code role} or already held it (confirmed by the leader)
     * and, within the same deadline, this node sees itself in its own configuration ({@code seesSelf}).
     */
    void join(RaftPeerRole role, Duration timeout, BooleanSupplier seesSelf) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        RaftPeer peer = RaftPeer.newBuilder().setId(self.getId()).setAddress(self.getAddress())
                .setStartupRole(role).build();
        retrying(timeout, rpcTimeout -> {
            attempt(peer, rpcTimeout);
            return null;
        });
        awaitSelf(deadline, seesSelf);
    }

    @FunctionalInterface
    private interface Attempt<T> {
        T run(Duration rpcTimeout) throws IOException;
    }

    private <T> T retrying(Duration timeout, Attempt<T> attempt) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastError = "no attempt made";
        while (true) {
            Duration remaining = Duration.ofNanos(deadline - System.nanoTime());
            Duration rpc = remaining.compareTo(MAX_RPC_TIMEOUT) < 0 ? remaining : MAX_RPC_TIMEOUT;
            try {
                return attempt.run(rpc.toMillis() < 100 ? Duration.ofMillis(100) : rpc);
            } catch (Refused e) {
                throw unavailable(e.getMessage());
            } catch (IOException | RuntimeException e) {
                lastError = e.getMessage() == null ? e.toString() : e.getMessage();
                LOG.debug("join via {} failed, retrying: {}", addresses, lastError);
            }
            long jittered = (long) (interval.toMillis() * (0.5 + ThreadLocalRandom.current().nextDouble()));
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw unavailable(lastError);
            }
            Thread.sleep(Math.max(1, Math.min(jittered, left)));
        }
    }

    private StoreException unavailable(String why) {
        return new StoreException(StoreException.Reason.UNAVAILABLE, "could not join via " + addresses + ": " + why, null);
    }

    private void attempt(RaftPeer peer, Duration timeout) throws IOException {
        GroupInfoReply info = currentInfo(timeout);
        Membership m = new Membership(info.getGroup(), leaderOf(info.getRoleInfoProto()));
        Optional<RaftPeer> existing = m.find(peer.getId());
        if (existing.isPresent()) {
            refuseMove(existing.get(), peer);
            LOG.info("{} is already a member at {}", peer.getId(), peer.getAddress());
            return;
        }
        // the real members, starting with the leader the answering member knows of (it follows NotLeader)
        try (RaftClient client = ClusterClient.build(m.group(), m.leader(), timeout, RETRY)) {
            boolean listener = peer.getStartupRole() == RaftPeerRole.LISTENER;
            List<RaftPeer> voters = m.voters();
            List<RaftPeer> listeners = m.listeners();
            RaftReplies.successOrThrow(client.admin().setConfiguration(ConfChange.compareAndSet(voters, listeners,
                    listener ? voters : plus(voters, peer), listener ? plus(listeners, peer) : listeners)));
        }
    }

    private static List<RaftPeer> plus(List<RaftPeer> peers, RaftPeer added) {
        List<RaftPeer> all = new ArrayList<>(peers);
        all.add(added);
        return all;
    }

    private static void refuseMove(RaftPeer existing, RaftPeer self) {
        if (!existing.getAddress().equals(self.getAddress())) {
            boolean listener = existing.getStartupRole() == RaftPeerRole.LISTENER;
            throw new Refused("node id " + self.getId() + " is already a " + (listener ? "listener" : "voter")
                    + " at " + existing.getAddress() + "; a member cannot change its address (Ratis 3.2.2):"
                    + " remove it and join with another node id");
        }
    }

    /**
     * The membership as the first reachable member sees it (possibly stale: the leader arbitrates). Read from
     * the group info's peers (voters then listeners, which carry the LISTENER startup role): the 3.2.2 gRPC
     * reply drops the group info's {@code conf} field.
     */
    private GroupInfoReply currentInfo(Duration timeout) throws IOException {
        List<RaftPeer> placeholders = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            placeholders.add(RaftPeer.newBuilder().setId("join-" + i).setAddress(addresses.get(i)).build());
        }
        try (RaftClient probe = ClusterClient.build(RaftGroup.valueOf(groupId, placeholders), null, timeout, RETRY)) {
            return currentInfo(probe, placeholders);
        }
    }

    private GroupInfoReply currentInfo(RaftClient client, List<RaftPeer> placeholders) throws IOException {
        IOException last = null;
        for (RaftPeer p : placeholders) {
            try {
                GroupInfoReply info = client.getGroupManagementApi(p.getId()).info(groupId);
                if (info.isSuccess() && !info.getGroup().getPeers().isEmpty()) {
                    return info;
                }
                last = new IOException(p.getAddress() + " is not a member of a group yet");
            } catch (IOException | RuntimeException e) { // an unreachable address fails with a gRPC runtime exception
                last = e instanceof IOException io ? io : new IOException(p.getAddress() + ": " + e.getMessage(), e);
            }
        }
        throw last;
    }

    /** The leader as the answering member sees it, or null. */
    private static RaftPeerId leaderOf(RoleInfoProto role) {
        if (role.getRole() == RaftPeerRole.LEADER) {
            return RaftPeerId.valueOf(role.getSelf().getId());
        }
        if (role.hasFollowerInfo() && role.getFollowerInfo().hasLeaderInfo()) {
            return RaftPeerId.valueOf(role.getFollowerInfo().getLeaderInfo().getId().getId());
        }
        return null;
    }

    /** This id is a member in another place or role: retrying cannot help. */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private static void awaitSelf(long deadline, BooleanSupplier seesSelf) throws InterruptedException {
        while (!seesSelf.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (!seesSelf.getAsBoolean()) {
            LOG.warn("the leader confirmed the join but this node does not see itself in its configuration yet");
        }
    }
}

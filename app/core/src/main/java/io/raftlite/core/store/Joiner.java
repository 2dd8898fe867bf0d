package io.raftlite.core.store;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
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
 * <p>Per attempt, with the membership as that member sees it:
 * <ul>
 *   <li>same id, address and role already there: nothing to do (idempotent re-join);</li>
 *   <li>id absent: {@code setConfiguration} in {@code ADD} mode (never the array overload);</li>
 *   <li>same id with another address or role: refused at once, not retried. Ratis 3.2.2 cannot move a
 *       member: {@code setConfiguration} treats a known id with the same priority as "no change", and every
 *       server keeps its gRPC proxy per peer id with the address it first saw ({@code PeerProxyMap}), so
 *       even remove-then-add would keep dialing the old address until each server restarts.</li>
 * </ul>
 * Other failures are retried with jittered backoff until the timeout.
 */
final class Joiner {

    private static final Logger LOG = LoggerFactory.getLogger(Joiner.class);
    private static final Duration MAX_RPC_TIMEOUT = Duration.ofSeconds(30);
    private static final RetryPolicy RETRY =
            RetryPolicies.retryUpToMaximumCountWithFixedSleep(5, TimeDuration.valueOf(50, TimeUnit.MILLISECONDS));

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
     * Blocks until the membership holds this node (confirmed by the leader) and, within the same deadline,
     * this node sees itself in its own configuration ({@code seesSelf}).
     */
    void join(Duration timeout, BooleanSupplier seesSelf) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastError = "no attempt made";
        while (true) {
            Duration remaining = Duration.ofNanos(deadline - System.nanoTime());
            try {
                attempt(remaining.compareTo(MAX_RPC_TIMEOUT) < 0 ? remaining : MAX_RPC_TIMEOUT);
                awaitSelf(deadline, seesSelf);
                return;
            } catch (Refused e) {
                throw new StoreException(StoreException.Reason.UNAVAILABLE,
                        "could not join via " + addresses + ": " + e.getMessage(), null);
            } catch (IOException | RuntimeException e) {
                lastError = e.getMessage() == null ? e.toString() : e.getMessage();
                LOG.debug("join via {} failed, retrying: {}", addresses, lastError);
            }
            long jittered = (long) (interval.toMillis() * (0.5 + ThreadLocalRandom.current().nextDouble()));
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new StoreException(StoreException.Reason.UNAVAILABLE,
                        "could not join via " + addresses + ": " + lastError, null);
            }
            Thread.sleep(Math.max(1, Math.min(jittered, left)));
        }
    }

    private void attempt(Duration rpcTimeout) throws IOException {
        List<RaftPeer> placeholders = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            placeholders.add(RaftPeer.newBuilder().setId("join-" + i).setAddress(addresses.get(i)).build());
        }
        Duration timeout = rpcTimeout.toMillis() < 100 ? Duration.ofMillis(100) : rpcTimeout;
        GroupInfoReply info;
        try (RaftClient probe = ClusterClient.build(RaftGroup.valueOf(groupId, placeholders), null, timeout, RETRY)) {
            info = currentInfo(probe, placeholders);
        }
        Collection<RaftPeer> members = info.getGroup().getPeers();
        // the real members, starting with the leader the answering member knows of (it follows NotLeader)
        try (RaftClient client = ClusterClient.build(info.getGroup(), leaderOf(info.getRoleInfoProto()), timeout, RETRY)) {
            List<RaftPeer> voters = new ArrayList<>();
            List<RaftPeer> listeners = new ArrayList<>();
            members.forEach(p -> (p.getStartupRole() == RaftPeerRole.LISTENER ? listeners : voters).add(p));
            Optional<RaftPeer> existing = find(voters).or(() -> find(listeners));
            boolean wantListener = self.getStartupRole() == RaftPeerRole.LISTENER;
            if (existing.isPresent()) {
                boolean isListener = find(listeners).isPresent();
                if (existing.get().getAddress().equals(self.getAddress()) && isListener == wantListener) {
                    LOG.info("{} is already a member at {}", self.getId(), self.getAddress());
                    return;
                }
                throw new Refused("node id " + self.getId() + " is already a " + (isListener ? "listener" : "voter")
                        + " at " + existing.get().getAddress() + "; remove it first or use another node id");
            }
            SetConfigurationRequest.Arguments args = SetConfigurationRequest.Arguments.newBuilder()
                    .setMode(SetConfigurationRequest.Mode.ADD)
                    .setServersInNewConf(wantListener ? List.of() : List.of(self))
                    .setListenersInNewConf(wantListener ? List.of(self) : List.of())
                    .build();
            RaftReplies.successOrThrow(client.admin().setConfiguration(args));
        }
    }

    /**
     * The membership as the first reachable member sees it (possibly stale: the leader arbitrates). Read from
     * the group info's peers (voters then listeners, which carry the LISTENER startup role): the 3.2.2 gRPC
     * reply drops the group info's {@code conf} field.
     */
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

    private Optional<RaftPeer> find(List<RaftPeer> peers) {
        return peers.stream().filter(p -> p.getId().equals(self.getId())).findFirst();
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

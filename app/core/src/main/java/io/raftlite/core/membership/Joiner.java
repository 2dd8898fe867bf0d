package io.raftlite.core.membership;

import io.raftlite.core.store.StoreConfig;
import io.raftlite.core.store.StoreException;
import io.raftlite.core.store.RaftTransport;
import io.raftlite.core.store.RaftReplies;
import io.raftlite.core.workaround.PeerProxyRefresh;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.SetConfigurationException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
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
 *       leader's balancer owns roles once a node is in). When this node does not see itself in a configuration
 *       yet (its disk was wiped), the entry is marked new first ({@link #renew}), so that the leader forgets
 *       what the old disk held;</li>
 *   <li>id absent: a join request to the leader ({@link JoinRequest}), which adds this node together with the
 *       other joins waiting there ({@link JoinQueue}). When the request fails (a leader of an older version
 *       cannot read it; or the leader just changed), at once a compare-and-set change ({@link ConfChange}) from
 *       the membership just read (a stale view fails and is retried).</li>
 *   <li>same id with another address (rqlite: the old entry is replaced): {@link #renew}, in the role the old
 *       entry has. Refused at once when the member answering is that id and leads (that node is alive), or when
 *       {@link PeerProxyRefresh} cannot work on this Ratis; retried while a member says that id leads, or knows
 *       no leader.</li>
 * </ul>
 * Other failures are retried with jittered backoff until the timeout; a lost compare-and-set (another change
 * committed first) or a leader's RETRY answer sooner ({@link #lostCompareAndSet}).
 */
public final class Joiner {

    private static final Logger LOG = LoggerFactory.getLogger(Joiner.class);
    private static final Duration MAX_RPC_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_QUICK_RETRIES = 3;
    private static final int QUICK_RETRY_DIVISOR = 10;
    private static final RetryPolicy RETRY =
            RetryPolicies.retryUpToMaximumCountWithFixedSleep(5, TimeDuration.valueOf(50, TimeUnit.MILLISECONDS));

    /** The group as one member sees it (voters, then listeners with the LISTENER startup role) and its leader. */
    public record Membership(RaftGroup group, RaftPeerId leader) {
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

    private final RaftTransport transport;
    private final RaftGroupId groupId;
    private final RaftPeer self;
    private final List<String> addresses;
    private final Duration interval;
    private final boolean movable;

    public Joiner(RaftGroupId groupId, RaftPeer self, List<String> addresses, Duration interval) {
        this(RaftTransport.PLAINTEXT, groupId, self, addresses, interval, PeerProxyRefresh.SUPPORTED);
    }

    Joiner(RaftTransport transport, RaftGroupId groupId, RaftPeer self, List<String> addresses, Duration interval) {
        this(transport, groupId, self, addresses, interval, PeerProxyRefresh.SUPPORTED);
    }

    /** {@code movable}: whether a member may move to another address (false: such a join is refused). */
    Joiner(RaftTransport transport, RaftGroupId groupId, RaftPeer self, List<String> addresses, Duration interval,
           boolean movable) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no join address");
        }
        this.transport = transport;
        this.groupId = groupId;
        this.self = self;
        this.addresses = List.copyOf(addresses);
        this.interval = interval;
        this.movable = movable;
    }

    /**
     * The role this node takes: the one it already has when its id is a member (at this or another address: a
     * moved member keeps its role); a listener when {@code forcedListener}; otherwise a voter while the voters
     * are fewer than the target for the membership including this node and this vote makes their number odd
     * (or 2, on the way from a lone voter to 3), else a listener: from 3 voters a fourth waits as a listener, and
     * {@link VoterBalancer} promotes it with the next one in one change, 3 to 5.
     *
     * @throws StoreException UNAVAILABLE when the id is a member at another address and may not move there
     */
    RaftPeerRole roleFor(Membership m, boolean forcedListener, StoreConfig.Membership settings) {
        Optional<RaftPeer> existing = m.find(self.getId());
        if (existing.isPresent()) {
            try {
                if (!existing.get().getAddress().equals(self.getAddress())) {
                    refuseMove(existing.get(), self, false);
                }
            } catch (Refused e) {
                throw unavailable(e.getMessage());
            }
            return existing.get().getStartupRole() == RaftPeerRole.LISTENER ? RaftPeerRole.LISTENER : RaftPeerRole.FOLLOWER;
        }
        if (forcedListener) {
            return RaftPeerRole.LISTENER;
        }
        int voters = m.voters().size();
        boolean oddOrTwo = voters == 1 || voters % 2 == 0;
        return voters < settings.targetVoters(m.size() + 1) && oddOrTwo ? RaftPeerRole.FOLLOWER : RaftPeerRole.LISTENER;
    }

    /** Reads the membership through the first member that answers, retrying until {@code timeout}. */
    public Membership membership(Duration timeout) throws InterruptedException {
        return retrying(timeout, rpcTimeout -> {
            GroupInfoReply info = currentInfo(rpcTimeout);
            return new Membership(info.getGroup(), leaderOf(info.getRoleInfoProto()));
        });
    }

    /**
     * One group-info read from the first address, without retries; the answer (or failure) is dropped. It
     * takes the same path as {@link #membership}: see {@link Membership#warmUpJoin}.
     */
    void probe(Duration timeout) {
        try {
            currentInfo(timeout);
        } catch (IOException | RuntimeException e) {
            LOG.debug("join warm-up via {}: {}", addresses, e.toString());
        }
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
            attempt(peer, rpcTimeout, !seesSelf.getAsBoolean());
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
        int quickRetries = 0;
        while (true) {
            Duration remaining = Duration.ofNanos(deadline - System.nanoTime());
            Duration rpc = remaining.compareTo(MAX_RPC_TIMEOUT) < 0 ? remaining : MAX_RPC_TIMEOUT;
            long pause = interval.toMillis();
            try {
                return attempt.run(rpc.toMillis() < 100 ? Duration.ofMillis(100) : rpc);
            } catch (Refused e) {
                throw unavailable(e.getMessage());
            } catch (IOException | RuntimeException e) {
                lastError = e.getMessage() == null ? e.toString() : e.getMessage();
                LOG.debug("join via {} failed, retrying: {}", addresses, lastError);
                if (lostCompareAndSet(e) && quickRetries < MAX_QUICK_RETRIES) {
                    quickRetries++;
                    pause = interval.toMillis() / QUICK_RETRY_DIVISOR;
                }
            }
            long jittered = (long) (pause * (0.5 + ThreadLocalRandom.current().nextDouble()));
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw unavailable(lastError);
            }
            Thread.sleep(Math.max(1, Math.min(jittered, left)));
        }
    }

    /**
     * A compare-and-set change that failed because the membership changed since it was read: another node's
     * join (or a promotion) committed first, as when nodes that discovered each other join together. Nothing
     * is wrong, so the next attempt (which reads the new membership) comes after a tenth of the interval, not
     * a whole one; a few times in a row at most, in case the failure has another cause after all.
     */
    private static boolean lostCompareAndSet(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SetConfigurationException || c instanceof FoldedRetry) {
                return true;
            }
        }
        return false;
    }

    private StoreException unavailable(String why) {
        return new StoreException(StoreException.Reason.UNAVAILABLE, "could not join via " + addresses + ": " + why, null);
    }

    private void attempt(RaftPeer peer, Duration timeout, boolean fresh) throws IOException {
        GroupInfoReply info = currentInfo(timeout);
        Membership m = new Membership(info.getGroup(), leaderOf(info.getRoleInfoProto()));
        Optional<RaftPeer> existing = m.find(peer.getId());
        boolean sameAddress = existing.isPresent() && existing.get().getAddress().equals(peer.getAddress());
        if (sameAddress && (!fresh || !movable || existing.get().getPriority() > 0)) {
            LOG.info("{} is already a member at {}", peer.getId(), peer.getAddress());
            return;
        }
        if (existing.isPresent()) {
            refuseMove(existing.get(), peer, info.getRoleInfoProto().getRole() == RaftPeerRole.LEADER
                    && existing.get().getId().equals(m.leader()));
            if (m.leader() == null || existing.get().getId().equals(m.leader())) {
                throw new IOException(peer.getId() + " is a member at " + existing.get().getAddress() + " and "
                        + (m.leader() == null ? "no leader is known" : "the leader") + " (it may not move while it leads)");
            }
        }
        // the real members, starting with the leader the answering member knows of (it follows NotLeader)
        try (RaftClient client = transport.client(m.group(), m.leader(), timeout, RETRY)) {
            if (existing.isPresent()) {
                renew(client, m, existing.get(), peer.getAddress());
                return;
            }
            try {
                folded(client, peer);
                return;
            } catch (FoldedRetry | Refused e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                // A leader of an older version fails a request it cannot read (Ratis answers a gRPC error); the
                // leader may also have just changed. Either way, the change this joiner computes itself:
                LOG.info("join request to the leader failed ({}): asking for the change itself", e.toString());
            }
            boolean listener = peer.getStartupRole() == RaftPeerRole.LISTENER;
            List<RaftPeer> voters = m.voters();
            List<RaftPeer> listeners = m.listeners();
            RaftReplies.successOrThrow(client.admin().setConfiguration(ConfChange.compareAndSet(voters, listeners,
                    listener ? voters : plus(voters, peer), listener ? plus(listeners, peer) : listeners)));
        }
    }

    /**
     * Asks the leader to add {@code peer} in its next membership change together with the other joins waiting
     * there ({@link JoinQueue}); returns once it is a member.
     *
     * @throws FoldedRetry when the leader answers that this join has to be asked again
     */
    private static void folded(RaftClient client, RaftPeer peer) throws IOException {
        RaftClientReply reply = client.io().sendReadOnlyNonLinearizable(Message.valueOf(
                ByteString.copyFrom(JoinRequest.of(peer).encode())));
        if (!reply.isSuccess()) {
            throw RaftReplies.toFailure(reply.getException());
        }
        JoinRequest.Reply answer = JoinRequest.decodeReply(reply.getMessage().getContent().toByteArray());
        switch (answer.outcome()) {
            case JOINED -> LOG.info("the leader added {} ({})", peer.getId(), answer.reason());
            case RETRY -> throw new FoldedRetry(answer.reason());
            case REFUSED -> throw new Refused("the leader refused the join: " + answer.reason());
            default -> throw new IllegalStateException("unknown outcome " + answer.outcome());
        }
    }

    /** The leader's join queue answered RETRY: nothing is wrong, ask again soon. */
    private static final class FoldedRetry extends IOException {
        FoldedRetry(String message) {
            super(message, null);
        }
    }

    /**
     * Member {@code old} comes back with an empty disk, at {@code address} (its old one, or a new one): one
     * compare-and-set change puts it there, in its role, with its priority raised by one.
     *
     * <p>Why the priority: Ratis 3.2.2 compares members by id only (the COMPARE_AND_SET check in
     * {@code RaftServerImpl.setConfigurationAsync}) and {@code RaftConfigurationImpl.hasNoChange} looks at ids,
     * counts and priorities, never addresses, so a change that only moves a member is answered "success" and
     * never written. The raised priority makes it a real change (whose configuration entries carry the new
     * address to every member) and marks the member as new: the leader's {@link PeerProxyRefresh} restarts its
     * log appender (and every server renews its connection to a new address), then the leader's
     * {@link VoterBalancer} sets the priority back to 0. The membership never shrinks, so the balancer has no
     * role to change meanwhile.
     */
    private static void renew(RaftClient client, Membership m, RaftPeer old, String address) throws IOException {
        if (old.getAddress().equals(address)) {
            LOG.info("{} is a member at {} and comes back with an empty disk: marking it new", old.getId(), address);
        } else {
            LOG.info("{} is a member at {}: moving it to {}", old.getId(), old.getAddress(), address);
        }
        RaftPeer raised = at(old, address, old.getPriority() + 1);
        RaftReplies.successOrThrow(client.admin().setConfiguration(ConfChange.compareAndSet(m.voters(), m.listeners(),
                ConfChange.replaced(m.voters(), raised), ConfChange.replaced(m.listeners(), raised))));
    }

    private static RaftPeer at(RaftPeer old, String address, int priority) {
        return RaftPeer.newBuilder().setId(old.getId()).setAddress(address).setPriority(priority)
                .setStartupRole(old.getStartupRole()).build();
    }

    private static List<RaftPeer> plus(List<RaftPeer> peers, RaftPeer added) {
        List<RaftPeer> all = new ArrayList<>(peers);
        all.add(added);
        return all;
    }

    /** Refuses a move this Ratis cannot make, or of a member that answered itself as the leader. */
    private void refuseMove(RaftPeer existing, RaftPeer self, boolean answeredAsLeader) {
        boolean listener = existing.getStartupRole() == RaftPeerRole.LISTENER;
        String at = "node id " + self.getId() + " is already a " + (listener ? "listener" : "voter") + " at "
                + existing.getAddress();
        if (!movable) {
            throw new Refused(at + "; a member cannot change its address on this Ratis version:"
                    + " remove it and join with another node id");
        }
        if (answeredAsLeader) {
            throw new Refused(at + " and leads the cluster (that node is running); stop it before joining with"
                    + " this id at another address");
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
        try (RaftClient probe = transport.client(RaftGroup.valueOf(groupId, placeholders), null, timeout, RETRY)) {
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
                last = new IOException(transport.explain(p.getAddress(), e), e);
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

    /** This id may not move (it leads, or this Ratis cannot move members): retrying cannot help. */
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

package io.raftlite.core.membership;

import io.raftlite.core.store.NodeMeta;
import io.raftlite.core.store.RaftReplies;
import io.raftlite.core.store.RaftTransport;
import io.raftlite.core.store.StoreConfig;
import io.raftlite.core.store.StoreException;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One node's part in the group's membership: joining, bootstrapping with {@code -bootstrap-expect}, removal,
 * stepdown, and the leader's upkeep (voter balancing, restarting a demoted voter as a listener). The
 * {@link io.raftlite.core.store.RaftStore} owns the Ratis server and hands this class a {@link Host}: what
 * membership needs of the running server and nothing else. Thread-safe.
 */
public final class Membership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

    private static final Duration REMOVE_RETRY_INTERVAL = Duration.ofMillis(100);
    private static final Duration JOIN_RETRY_INTERVAL = Duration.ofMillis(500);
    private static final Duration WARM_UP_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration BOOTSTRAP_INTERVAL = Duration.ofSeconds(1);
    /** A listener is promoted only if the leader heard from it this recently ... */
    private static final Duration RECENT_CONTACT = Duration.ofSeconds(3);
    /** ... and its commit index is at most this far behind the leader's. */
    private static final long PROMOTION_MAX_LAG = 100;
    private static final Duration MEMBER_META_TIMEOUT = Duration.ofSeconds(2);

    /** What membership needs of the store's running Ratis server. */
    public interface Host {
        /** The running division, or null while the server starts, restarts or after it stopped. */
        RaftServer.Division divisionOrNull();

        /** Closes the running server and starts a new one with this initial group. */
        void restartWith(RaftGroup group) throws IOException;

        /** Submits a configuration change to this (leading) server in-process. */
        CompletableFuture<RaftClientReply> setConfiguration(SetConfigurationRequest.Arguments change);

        /** The node metadata of member {@code nodeId}. */
        CompletableFuture<NodeMeta> nodeMeta(String nodeId, Duration timeout);

        /** Renews connections to members that moved or left (a Ratis workaround; may do nothing). */
        void refreshProxies();

        /** Whether the connections to member {@code id} were renewed since it last moved. */
        boolean renewed(RaftPeerId id);
    }

    private final StoreConfig config;
    private final RaftGroupId groupId;
    private final RaftPeer self;
    private final RaftTransport transport;
    private final Host host;
    private final Remover remover;
    private final Stepdown stepdown;
    private final VoterBalancer balancer;
    private final JoinQueue joins;
    private volatile Consumer<String> progress = text -> { };

    public Membership(StoreConfig config, RaftGroupId groupId, RaftPeer self, RaftTransport transport, Host host) {
        this.config = config;
        this.groupId = groupId;
        this.self = self;
        this.transport = transport;
        this.host = host;
        this.remover = new Remover(transport, host::divisionOrNull, REMOVE_RETRY_INTERVAL);
        this.stepdown = new Stepdown(remover, host::divisionOrNull);
        this.balancer = new VoterBalancer(host::divisionOrNull, this::reconfigure,
                id -> metaOf(id, MEMBER_META_TIMEOUT), config.membership(), RECENT_CONTACT, PROMOTION_MAX_LAG,
                host::renewed);
        this.joins = new JoinQueue(host::divisionOrNull, host::setConfiguration, config.applyTimeout());
    }

    /**
     * A join request that reached this node's state machine (see {@link JoinRequest}): the encoded reply, once
     * the leader's {@link JoinQueue} added the node or gave up; answered RETRY at once on a node that does not lead.
     */
    public CompletableFuture<byte[]> joinRequested(byte[] request) {
        return joins.submit(request);
    }

    /** Configuration changes asked for by folded joins on this node (tests). */
    public long foldedJoinChanges() {
        return joins.changes();
    }

    /** Answers the waiting joins RETRY and stops the join queue's thread. */
    @Override
    public void close() {
        joins.close();
    }

    /** See {@link io.raftlite.core.store.RaftStore#onProgress}. */
    public void onProgress(Consumer<String> listener) {
        progress = listener == null ? text -> { } : listener;
    }

    /**
     * One round of upkeep, on every node: renew connections to moved or departed members, restart a demoted
     * server, and on the leader balance the voters ({@link VoterBalancer}).
     */
    public void upkeep() {
        host.refreshProxies();
        restartIfDemoted();
        balancer.run();
    }

    /**
     * Ratis 3.2.2 leaves a demoted voter running as a FOLLOWER, and a follower whose election timer fires (the
     * leader died, a long pause) finds itself NOT_IN_CONF and shuts its server down for good
     * ({@code LeaderElection}: {@code server.shutdown()}). So a node whose settled configuration lists it as a
     * listener while Ratis still runs it as a follower restarts its server in place: it recovers from its log
     * and starts as a LISTENER ({@code RaftServerImpl.startAsPeer}). Requests fail as "store is not running"
     * for the moment this takes.
     */
    private void restartIfDemoted() {
        RaftServer.Division d = host.divisionOrNull();
        if (d == null || d.getInfo().getCurrentRole() != RaftPeerRole.FOLLOWER || !ConfChange.stable(d)
                || d.getRaftConf().getPeer(self.getId(), RaftPeerRole.LISTENER) == null) {
            return;
        }
        LOG.info("demoted to listener: restarting the Raft server as a listener");
        try {
            restartAsListener();
        } catch (IOException | RuntimeException e) {
            LOG.warn("restarting as a listener failed: {}", e.toString());
        }
    }

    private Optional<NodeMeta> metaOf(String nodeId, Duration timeout) {
        try {
            return Optional.of(host.nodeMeta(nodeId, timeout).get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A compare-and-set configuration change on this (leader) server; blocks until committed or failed. */
    private void reconfigure(List<RaftPeer> oldVoters, List<RaftPeer> oldListeners, List<RaftPeer> voters,
                             List<RaftPeer> listeners) throws Exception {
        SetConfigurationRequest.Arguments change = ConfChange.compareAndSet(oldVoters, oldListeners, voters, listeners);
        long timeoutMs = config.applyTimeout().toMillis();
        RaftReplies.successOrThrow(host.setConfiguration(change).get(timeoutMs, TimeUnit.MILLISECONDS));
    }

    /** See {@link io.raftlite.core.store.RaftStore#remove}. */
    public void remove(String nodeId, Duration timeout) throws InterruptedException {
        remover.remove(nodeId, timeout);
    }

    /** See {@link io.raftlite.core.store.RaftStore#stepdown}. */
    public void stepdown(String nodeId, Duration timeout) throws InterruptedException {
        stepdown.stepdown(nodeId, timeout);
    }

    /**
     * Reads this node's own group info once, in a background thread, and drops the answer: the Raft client's
     * classes then load, and its code compiles, while the node waits for a cluster to form, not when it
     * reads the leader's membership to join it. That first read took 0.24-0.55 s of a three-node formation
     * on 2 cores (the JVM's first Raft client call); afterwards it takes a few milliseconds.
     *
     * @return the thread, started; the class data training run waits for it, so that the archive holds those classes
     */
    public Thread warmUpJoin() {
        Joiner ownServer = new Joiner(transport, groupId, self, List.of(self.getAddress()), JOIN_RETRY_INTERVAL);
        Thread t = new Thread(() -> ownServer.probe(WARM_UP_TIMEOUT), "raft-join-warm-up");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** See {@link io.raftlite.core.store.RaftStore#join}. */
    public void join(List<String> raftAddresses, boolean asListener, Duration timeout)
            throws InterruptedException, IOException {
        join(raftAddresses, asListener, timeout, JOIN_RETRY_INTERVAL);
    }

    /** The same, retrying every {@code retryInterval} (tests). */
    public void join(List<String> raftAddresses, boolean asListener, Duration timeout, Duration retryInterval)
            throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        RaftServer.Division d = running(); // must be running, so that the leader can replicate to it
        Joiner joiner = new Joiner(transport, groupId, self, raftAddresses, retryInterval);
        RaftPeerRole role = joiner.roleFor(joiner.membership(timeout),
                asListener || config.membership().nonVoter(), config.membership());
        if (role == RaftPeerRole.LISTENER && ConfChange.members(d).isEmpty()
                && !d.getInfo().getLifeCycleState().isRunning()) {
            restartAsListener();
        }
        LOG.info("joining through {} as a {}", raftAddresses, role == RaftPeerRole.LISTENER ? "listener" : "voter");
        progress.accept("joining through " + String.join(",", raftAddresses) + " as a "
                + (role == RaftPeerRole.LISTENER ? "read replica" : "voter"));
        joiner.join(role, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), () -> {
            RaftServer.Division now = host.divisionOrNull();
            return now != null && now.getRaftConf().getPeer(self.getId(), RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER) != null;
        });
    }

    /** See {@link io.raftlite.core.store.RaftStore#bootstrap}. */
    public void bootstrap(List<String> raftAddresses, int expect, Duration timeout)
            throws InterruptedException, IOException {
        bootstrap(raftAddresses, expect, timeout, BOOTSTRAP_INTERVAL);
    }

    /** The same, with rounds every {@code interval} (tests). */
    public void bootstrap(List<String> raftAddresses, int expect, Duration timeout, Duration interval)
            throws InterruptedException, IOException {
        running(); // must be running with its empty group, so that the others see it waiting
        new Bootstrapper(transport, groupId, self.getId(), raftAddresses, expect, config.membership(), interval)
                .reportingTo(progress).run(new Bootstrapper.Node() {
            /**
             * A listener the leader reached before it restarted with the group runs with the FOLLOWER role in
             * 3.2.2 (a server started outside the conf never turns LISTENER); it counts as a member only once
             * restarted, which starts it as a listener from its log.
             */
            @Override
            public boolean isMember() {
                RaftServer.Division d = host.divisionOrNull();
                RaftConfiguration conf = d == null ? null : d.getRaftConf();
                return conf != null && (conf.getPeer(self.getId(), RaftPeerRole.FOLLOWER) != null
                        || conf.getPeer(self.getId(), RaftPeerRole.LISTENER) != null
                        && d.getInfo().getCurrentRole() == RaftPeerRole.LISTENER);
            }

            @Override
            public void restartWith(RaftGroup group) throws IOException {
                host.restartWith(group);
            }

            @Override
            public void join(Duration left) throws InterruptedException, IOException {
                Membership.this.join(raftAddresses, false, left, interval);
            }
        }, timeout);
    }

    /**
     * Ratis 3.2.2 leaves a listener added to a node started with an empty group in STARTING for good: the
     * leader marks only voters caught up ({@code LeaderStateImpl.checkStaging} filters on FOLLOWER), so it
     * keeps sending {@code initializing=true} and the node never turns RUNNING (no client requests, no
     * stale reads) until the next leader change. A server whose initial group lists it as a LISTENER starts
     * RUNNING as a listener (listeners never campaign), so a fresh node joining as a listener restarts its
     * (empty) server that way before asking to be added; the leader's log then replaces that conf.
     */
    private void restartAsListener() throws IOException {
        host.restartWith(RaftGroup.valueOf(groupId, RaftPeer.newBuilder().setId(self.getId())
                .setAddress(self.getAddress()).setStartupRole(RaftPeerRole.LISTENER).build()));
    }

    /**
     * For the winner of a discovery claim (a node started with {@code start(false)} and no Raft state):
     * restarts the server as the only member of a new group, which then elects this node.
     */
    public void formAlone() throws IOException {
        host.restartWith(RaftGroup.valueOf(groupId, self));
    }

    /**
     * Leader only, for tests that add a member directly (nodes join through {@link #join}): adds a voting
     * member; completes once the new configuration is committed, after the new node caught up.
     */
    public CompletableFuture<Void> addVoter(String nodeId, String raftAddress) {
        RaftServer.Division d = host.divisionOrNull();
        if (d == null) {
            return CompletableFuture.failedFuture(
                    new StoreException(StoreException.Reason.UNAVAILABLE, "store is not running", null));
        }
        RaftPeer peer = RaftPeer.newBuilder().setId(nodeId).setAddress(raftAddress).build();
        RaftConfiguration conf = d.getRaftConf();
        List<RaftPeer> voters = List.copyOf(conf.getCurrentPeers(RaftPeerRole.FOLLOWER));
        List<RaftPeer> listeners = List.copyOf(conf.getCurrentPeers(RaftPeerRole.LISTENER));
        List<RaftPeer> newVoters = new ArrayList<>(voters);
        newVoters.add(peer);
        return host.setConfiguration(ConfChange.compareAndSet(voters, listeners, newVoters, listeners))
                .thenApply(RaftReplies::successOrThrow)
                .exceptionallyCompose(t -> CompletableFuture.failedFuture(RaftReplies.toFailure(t)));
    }

    /**
     * The addresses among {@code raftAddresses} where a member of group {@code groupId} answers (nodes
     * waiting to join, with an empty group, do not count); one short RPC per address.
     */
    public static List<String> answeringMembers(RaftTransport transport, RaftGroupId groupId,
                                                List<String> raftAddresses, Duration timeout) {
        return Bootstrapper.members(transport, groupId, raftAddresses, timeout);
    }

    private RaftServer.Division running() {
        RaftServer.Division d = host.divisionOrNull();
        if (d == null) {
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "store is not running", null);
        }
        return d;
    }
}

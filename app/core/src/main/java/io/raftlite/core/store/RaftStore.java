package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.ResultCodec;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import io.raftlite.core.membership.ConfChange;
import io.raftlite.core.membership.Membership;
import io.raftlite.core.watch.ChangeLog;
import io.raftlite.core.workaround.LogWorkerClose;
import io.raftlite.core.workaround.PeerProxyRefresh;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One node's replicated SQLite database: a Ratis server with one group whose state machine is
 * {@link SqliteStateMachine}. Requests go to the local Ratis server in-process (no gRPC hop); what only the
 * leader can serve is forwarded ({@link Forwarder}). Thread-safe; see {@code package-info} for the
 * restart-safety design, clustering and the readiness rule. Longer than the usual 400 lines because it is the
 * package's whole public surface and owns the Ratis server's lifecycle (including restarting it with a
 * new initial group); the data path's mechanisms live in {@link GroupCommit}, {@link Forwarder},
 * {@link ClusterClient} and {@link SqliteStateMachine}, membership (join, bootstrap, removal, voter balancing)
 * in {@link Membership}.
 */
public final class RaftStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RaftStore.class);

    private static final Duration RETRY_INTERVAL = Duration.ofMillis(20);
    /** Group commit: entries on their way to the log at once; writes arriving meanwhile wait and share one. */
    private static final int GROUP_COMMIT_IN_FLIGHT = 1;
    /** Group commit: the most command bytes one grouped entry takes (a larger single command goes alone). */
    private static final long GROUP_COMMIT_MAX_BYTES = 1 << 20;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(3);

    private final StoreConfig config;
    private final RaftGroupId groupId;
    private final RaftPeer self;
    private final Path raftDir;
    private final RaftProperties properties;
    private final EntryLimits limits;
    private final RaftTransport transport;
    private final StoreDatabase.Opener opener;
    private volatile SqliteStateMachine stateMachine;
    /** Outlives the Ratis servers this store starts, so a watcher survives a restart as a listener. */
    private final ChangeLog changes = new ChangeLog();
    private final NodeMeta meta;
    private final Forwarder forwarder;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private final RepliedCallIds repliedCallIds = new RepliedCallIds();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Readiness readiness = new Readiness();
    private final Membership membership;
    private final PeerWatch peerWatch;
    private final ScheduledExecutorService upkeep = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "raftlite-membership");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService groupCommitSender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "raftlite-group-commit");
        t.setDaemon(true);
        return t;
    });
    private final GroupCommit groupCommit = new GroupCommit(this::submitEntry, GROUP_COMMIT_IN_FLIGHT,
            GROUP_COMMIT_MAX_BYTES, groupCommitSender);
    private volatile RaftServer server;
    private volatile PeerProxyRefresh proxyRefresh;
    private final ClosedServerRestart closedRestart;
    private volatile StoreObserver observer = StoreObserver.NONE;

    /** A store that takes commands of up to 4 MiB and 64 KiB encoded (the HTTP layer's default largest body). */
    public RaftStore(StoreConfig config) {
        this(config, EntryLimits.DEFAULT_MAX_COMMAND_BYTES);
    }

    /**
     * A store that takes commands of up to {@code maxCommandBytes} encoded bytes (e.g. the largest request body
     * the node accepts) and refuses larger ones with {@link StoreException.Reason#TOO_LARGE} before they reach the
     * log; every Ratis size limit is derived from it ({@link EntryLimits}). Every node of a cluster must use the
     * same value: a follower could not store an entry larger than its own limit.
     */
    public RaftStore(StoreConfig config, long maxCommandBytes) {
        this(config, maxCommandBytes, StoreDatabase.REAL, p -> { });
    }

    /**
     * The largest command for a node whose largest request is {@code maxRequestBytes}: the request's bytes plus
     * room for what a command adds around them (kind, flags, time, seed, lengths), so that a {@code /db/load} of
     * a file just under the limit fits. A request whose encoding grows beyond that (e.g. many small numbers, 2
     * bytes each in JSON and 9 encoded) is refused as {@link StoreException.Reason#TOO_LARGE}.
     */
    public static long maxCommandBytes(long maxRequestBytes) {
        return Math.addExact(maxRequestBytes, EntryLimits.COMMAND_HEADROOM_BYTES);
    }

    /**
     * A store whose reads are bounded by {@code readLimits} (see {@link io.raftlite.core.db.ReadLimits}) and whose
     * commands may take up to {@code maxCommandBytes} (see {@link #RaftStore(StoreConfig, long)}).
     */
    public RaftStore(StoreConfig config, io.raftlite.core.db.ReadLimits readLimits, long maxCommandBytes) {
        this(config, maxCommandBytes, (file, readConnections, writeLimits)
                -> StoreDatabase.open(file, readConnections, writeLimits, readLimits), p -> { });
    }

    /** For tests: another database implementation and extra Ratis settings. */
    RaftStore(StoreConfig config, StoreDatabase.Opener opener, Consumer<RaftProperties> tuning) {
        this(config, EntryLimits.DEFAULT_MAX_COMMAND_BYTES, opener, tuning);
    }

    RaftStore(StoreConfig config, long maxCommandBytes, StoreDatabase.Opener opener, Consumer<RaftProperties> tuning) {
        this.config = config;
        this.groupId = RaftPropertiesFactory.groupId(config.clusterName());
        this.self = RaftPeer.newBuilder().setId(config.nodeId()).setAddress(config.raftAdvertisedAddress()).build();
        this.raftDir = config.dataDir().resolve("raft");
        this.limits = EntryLimits.forCommand(maxCommandBytes);
        this.properties = RaftPropertiesFactory.build(config, raftDir, limits);
        tuning.accept(properties);
        this.meta = new NodeMeta(config.nodeId(), config.apiAddress(), NodeMeta.CURRENT_VERSION,
                config.membership().nonVoter());
        this.opener = opener;
        this.transport = transport(config.tls());
        transport.identity().filter(id -> !id.equals(config.nodeId())).ifPresent(id -> {
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "node TLS: the certificate "
                    + config.tls().certFile() + " names node " + id + ", but this node is " + config.nodeId(), null);
        });
        this.forwarder = new Forwarder(new ClusterClient(transport, groupId, config.applyTimeout(), limits.grpcMessageBytes()),
                this::divisionOrNull,
                config.applyTimeout());
        this.membership = new Membership(config, groupId, self, transport, new MembershipHost());
        this.peerWatch = new PeerWatch(config.electionTimeout().multipliedBy(2)); // a leader's step-down time
        this.closedRestart = new ClosedServerRestart(config.failStop());
    }

    /** Reports to {@code o} from now on (call before {@link #start} to see the first election). */
    public void observe(StoreObserver o) {
        observer = o;
        SqliteStateMachine sm = stateMachine;
        if (sm != null) {
            sm.observe(o);
        }
    }

    /**
     * Where {@link #join} and {@link #bootstrap} report what they wait for, one short line per change (e.g.
     * "waiting for 3 nodes via [...]: 1 found"), for an operator's status display; called on the waiting thread.
     */
    public void onProgress(Consumer<String> listener) {
        membership.onProgress(listener);
    }

    /** Opens the log and database; bootstraps a single-node group when the node has no Raft state. */
    public void start() throws IOException {
        start(true);
    }

    /**
     * Starts Ratis with {@code RECOVER}. With no Raft state on disk, {@code bootstrapSelf} starts a new
     * group containing only this node; otherwise the node starts with an empty group and waits to be added
     * by a leader (how a node joins an existing cluster). With state on disk the membership comes from it.
     */
    public synchronized void start(boolean bootstrapSelf) throws IOException {
        if (closed.get() || server != null) {
            throw new IllegalStateException("a store starts once");
        }
        Files.createDirectories(raftDir);
        RaftGroup group = hasRaftState() || !bootstrapSelf
                ? RaftGroup.valueOf(groupId, List.of())
                : RaftGroup.valueOf(groupId, self);
        startServer(group);
    }

    /** Builds and starts the Ratis server with a new state machine; on failure closes the store. */
    private void startServer(RaftGroup group) throws IOException {
        SqliteStateMachine sm = new SqliteStateMachine(config.dataDir().resolve("db.sqlite"), config.readConnections(),
                config.writeLimits(), opener, meta, closedRestart.failStop(), changes);
        sm.observe(observer);
        // off Ratis' thread: failing the forwards to a replaced leader lets group commit send the writes behind them
        sm.onLeaderChange(leader -> CompletableFuture.runAsync(() -> forwarder.leaderChanged(leader)));
        sm.onJoinRequest(membership::joinRequested);
        stateMachine = sm;
        RaftServer s = RaftServer.newBuilder()
                .setServerId(self.getId())
                .setGroup(group)
                .setProperties(RaftPropertiesFactory.forStart(properties, group, self.getId()))
                .setParameters(transport.serverParameters(this::divisionOrNull))
                .setStateMachine(sm)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        server = s;
        proxyRefresh = new PeerProxyRefresh(s);
        try {
            s.start();
            scheduleUpkeep(sm);
        } catch (IOException | RuntimeException e) {
            Throwable cause = e;
            while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            close();
            throw cause instanceof IOException io ? io : new IOException("store failed to start: " + cause, cause);
        }
    }

    private final AtomicBoolean upkeepScheduled = new AtomicBoolean();

    /**
     * Starts the membership upkeep ({@link Membership#upkeep}) once: every balance interval, and at once when a
     * configuration change is applied here (so a join is followed by a promotion without waiting).
     */
    private void scheduleUpkeep(SqliteStateMachine sm) {
        Runnable upkeepRun = () -> {
            restartIfClosed();
            membership.upkeep();
        };
        sm.onConfigurationChange(() -> {
            try {
                upkeep.execute(upkeepRun);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        });
        if (!upkeepScheduled.compareAndSet(false, true)) {
            return;
        }
        long ms = config.membership().balanceInterval().toMillis();
        upkeep.scheduleWithFixedDelay(upkeepRun, ms, ms, TimeUnit.MILLISECONDS);
        long beat = Math.max(1, config.electionTimeout().toMillis() / 2);
        upkeep.scheduleWithFixedDelay(this::watchPeers, beat, beat, TimeUnit.MILLISECONDS);
    }

    private void watchPeers() {
        RaftServer.Division d = divisionOrNull();
        try {
            if (d != null) {
                peerWatch.check(d);
            }
        } catch (RuntimeException e) { // the server closing meanwhile; never let the schedule end
            LOG.debug("watching peers failed: {}", e.toString());
        }
    }

    /** Followers seen going down, coming back and catching up while this node led (see {@link PeerWatch}). */
    public PeerEvents peerEvents() {
        return peerWatch.events();
    }

    /** See {@link ClosedServerRestart}: a server Ratis closed while the store runs is restarted from disk. */
    private synchronized void restartIfClosed() {
        RaftGroup group = closed.get() ? null : closedRestart.groupToRestart(server, groupId, self.getId());
        if (group == null) {
            return;
        }
        LOG.warn("the Raft server was closed while the store runs: restarting it from disk (restart {})",
                closedRestart.restarts());
        try {
            restartWith(group);
        } catch (IOException | RuntimeException e) {
            LOG.warn("restarting the closed Raft server failed: {}", e.toString());
        }
    }

    /** What {@link Membership} may do with this store's server. */
    private final class MembershipHost implements Membership.Host {
        @Override
        public RaftServer.Division divisionOrNull() {
            return RaftStore.this.divisionOrNull();
        }

        @Override
        public void restartWith(RaftGroup group) throws IOException {
            RaftStore.this.restartWith(group);
        }

        @Override
        public CompletableFuture<RaftClientReply> setConfiguration(SetConfigurationRequest.Arguments change) {
            try {
                return server.setConfigurationAsync(new SetConfigurationRequest(clientId, self.getId(), groupId,
                        callIds.incrementAndGet(), change));
            } catch (IOException | RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public CompletableFuture<NodeMeta> nodeMeta(String nodeId, Duration timeout) {
            return RaftStore.this.nodeMeta(nodeId, timeout);
        }

        /** See {@link PeerProxyRefresh}: a member that moved to another address is dialed there from now on. */
        @Override
        public void refreshProxies() {
            RaftServer.Division d = RaftStore.this.divisionOrNull();
            PeerProxyRefresh refresh = proxyRefresh;
            if (d != null && refresh != null) {
                refresh.run(d);
            }
        }

        @Override
        public boolean renewed(RaftPeerId id) {
            PeerProxyRefresh refresh = proxyRefresh;
            return refresh == null || refresh.renewed(id);
        }
    }

    /**
     * Removes member {@code nodeId} from the cluster, from any node (the change goes to the leader over Raft);
     * blocks until the new configuration is committed. Removing the leader hands leadership over first.
     *
     * @throws StoreException NOT_FOUND for an id that is not a member, INVALID for the only voter, NO_LEADER or
     *                        TIMEOUT when it could not be done within {@code timeout}
     */
    public void remove(String nodeId, Duration timeout) throws InterruptedException {
        membership.remove(nodeId, timeout);
    }

    /**
     * rqlite's stepdown, from any node: leadership moves to voter {@code nodeId} (null: any other voter);
     * blocks until it leads. See {@code membership.Stepdown} for the failures.
     */
    public void stepdown(String nodeId, Duration timeout) throws InterruptedException {
        membership.stepdown(nodeId, timeout);
    }

    /**
     * Whether this data dir already holds Raft state for this group (callable before {@link #start}): a
     * restarted node recovers its membership from it and must not join again.
     */
    public boolean hasState() {
        return hasRaftState();
    }

    /**
     * Adds this node (started with {@code start(false)}) to the group through any member at
     * {@code raftAddresses}; blocks until the leader confirmed it and this node sees itself in its
     * configuration. It joins as a listener when {@code asListener} or the config's {@code nonVoter} says so
     * (only the latter keeps it from ever being promoted), else as a voter while the voters are below the
     * target for the grown membership ({@link StoreConfig.Membership#targetVoters}), else as a listener.
     * Idempotent (a member with the same id and address keeps its role); a member with this id at another
     * address is replaced, in its role (rqlite's rule; see {@link Joiner}); retries with jittered backoff until
     * {@code timeout}.
     *
     * @throws StoreException UNAVAILABLE "could not join via ...: last error" when the timeout passes, or the id
     *                        is a member at another address and may not move (it leads there)
     */
    public void join(List<String> raftAddresses, boolean asListener, Duration timeout)
            throws InterruptedException, IOException {
        membership.join(raftAddresses, asListener, timeout);
    }

    /**
     * For a node that will likely {@link #join} soon: see {@link Membership#warmUpJoin}. Returns its started thread
     * at once.
     */
    public Thread warmUpJoin() {
        return membership.warmUpJoin();
    }

    void join(List<String> raftAddresses, boolean asListener, Duration timeout, Duration retryInterval)
            throws InterruptedException, IOException {
        membership.join(raftAddresses, asListener, timeout, retryInterval);
    }

    /**
     * rqlite's {@code -bootstrap-expect}: for a node started with {@code start(false)} and no Raft state.
     * Joins the cluster that answers at any of {@code raftAddresses} (always tried first); otherwise, once
     * {@code expect} nodes there (this one included) wait with an empty group, forms the cluster with them:
     * every node computes the same initial group (see {@link Bootstrapper}). Returns once this node is in
     * the group's configuration it starts with (a leader may not be elected yet).
     *
     * @throws StoreException UNAVAILABLE "bootstrap-expect N: only k of N nodes found via [...] within Ts"
     */
    public void bootstrap(List<String> raftAddresses, int expect, Duration timeout)
            throws InterruptedException, IOException {
        membership.bootstrap(raftAddresses, expect, timeout);
    }

    void bootstrap(List<String> raftAddresses, int expect, Duration timeout, Duration interval)
            throws InterruptedException, IOException {
        membership.bootstrap(raftAddresses, expect, timeout, interval);
    }

    /** Closes the server (started with an empty group) and starts a new one with this initial group. */
    private synchronized void restartWith(RaftGroup group) throws IOException {
        RaftServer old = server;
        if (closed.get() || old == null) {
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "store is not running", null);
        }
        LogWorkerClose.close(old);
        startServer(group);
    }

    /**
     * For the winner of a discovery claim (a node started with {@code start(false)} and no Raft state):
     * restarts the server as the only member of a new group, which then elects this node.
     */
    public void formAlone() throws IOException {
        membership.formAlone();
    }

    /**
     * Forgets a group this node formed alone but must not keep, because its discovery claim was lost before
     * the group took members or writes: stops the server, deletes the group's Raft state (the database is
     * rebuilt from it, so it is empty again) and starts with an empty group, as a fresh node.
     */
    public synchronized void forgetGroup() throws IOException {
        RaftServer old = server;
        if (closed.get() || old == null) {
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "store is not running", null);
        }
        LogWorkerClose.close(old);
        Path groupDir = raftDir.resolve(groupId.getUuid().toString());
        if (Files.exists(groupDir)) {
            try (var paths = Files.walk(groupDir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        startServer(RaftGroup.valueOf(groupId, List.of()));
    }

    // recovery from permanent quorum loss (issue 17, -raft-recover): the steps are in QuorumRecovery

    /**
     * For a node with Raft state whose cluster lost its quorum for good: starts from that state, then moves to a
     * new group of this node alone that keeps every entry of its log (see {@link QuorumRecovery}); returns with
     * the store running as a single-node cluster, others join it as usual. Each step waits at most {@code timeout}.
     *
     * @throws StoreException INVALID when a majority of the old voters still answers (nothing is changed then),
     *                        UNAVAILABLE or TIMEOUT when a step fails
     */
    public void recover(Duration timeout) throws IOException, InterruptedException {
        if (!hasRaftState()) {
            throw new IllegalStateException("recover needs Raft state");
        }
        start(true);
        new QuorumRecovery(new RecoveryHost(), transport, groupId, self.getId(), raftDir, limits, timeout).run();
    }

    /** What {@link QuorumRecovery} may do with this store. */
    private final class RecoveryHost implements QuorumRecovery.Host {
        @Override
        public RaftServer.Division division() {
            return RaftStore.this.division();
        }

        @Override
        public long appliedIndex() {
            return stateMachine.getLastAppliedTermIndex().getIndex();
        }

        @Override
        public void backup(Path target) {
            RaftStore.this.backup(target);
        }

        @Override
        public void restartAlone(Path aside, QuorumRecovery.Seed seed) throws IOException {
            synchronized (RaftStore.this) {
                RaftServer old = server;
                if (closed.get() || old == null) {
                    throw new StoreException(StoreException.Reason.UNAVAILABLE, "store is not running", null);
                }
                LogWorkerClose.close(old);
                Files.move(raftDir.resolve(groupId.getUuid().toString()), aside);
                seed.run();
                startServer(RaftGroup.valueOf(groupId, self));
            }
        }

        @Override
        public boolean awaitReady(Duration timeout) throws InterruptedException {
            return RaftStore.this.awaitReady(timeout);
        }

        @Override
        public CompletableFuture<byte[]> submitEntry(byte[] entry) {
            return RaftStore.this.submitEntry(entry);
        }
    }

    /**
     * The addresses among {@code raftAddresses} where a member of cluster {@code clusterName}'s group
     * answers (nodes waiting to join, with an empty group, do not count); one short RPC per address.
     */
    public static List<String> answeringMembers(String clusterName, List<String> raftAddresses, Duration timeout) {
        return Membership.answeringMembers(RaftTransport.PLAINTEXT, RaftPropertiesFactory.groupId(clusterName),
                raftAddresses, timeout);
    }

    /** The same, over TLS with {@code tls} (null: plaintext). */
    public static List<String> answeringMembers(String clusterName, List<String> raftAddresses, Duration timeout,
                                                TlsConfig tls) throws IOException {
        return Membership.answeringMembers(RaftTransport.of(tls), RaftPropertiesFactory.groupId(clusterName),
                raftAddresses, timeout);
    }

    /** The node's transport; a certificate, key or CA file that cannot be read stops the node at start. */
    private static RaftTransport transport(TlsConfig tls) {
        try {
            return RaftTransport.of(tls);
        } catch (IOException e) {
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "node TLS: " + e.getMessage(), e);
        }
    }

    /** Raft state exists once a membership has been recorded ({@code raft-meta.conf}) in the group dir. */
    private boolean hasRaftState() {
        return hasState(raftDir, groupId);
    }

    /**
     * Whether data directory {@code dataDir} holds Raft state of cluster {@code clusterName} (before any store is
     * built: a restarted read replica needs no {@code -join}, it recovers its membership from that state).
     */
    public static boolean hasState(Path dataDir, String clusterName) {
        return hasState(dataDir.resolve("raft"), RaftPropertiesFactory.groupId(clusterName));
    }

    private static boolean hasState(Path raftDir, RaftGroupId groupId) {
        return Files.exists(raftDir.resolve(groupId.getUuid().toString()).resolve("current").resolve("raft-meta.conf"));
    }

    /**
     * Appends a command to the log; completes once it is durable on a majority and applied (on the leader,
     * and here when this node is the leader). A follower or listener forwards it to the leader. Writes that
     * arrive while earlier ones are still being replicated share one log entry ({@link GroupCommit}). A command
     * that encodes to more than this store's largest command fails with {@link StoreException.Reason#TOO_LARGE}
     * and is not submitted.
     */
    public CompletableFuture<CommandResult> submit(Command command) {
        return groupCommit.submit(command);
    }

    /**
     * Appends one encoded entry (a command or a group commit); completes with what applying it returned.
     *
     * <p>Only a node that was not the leader when the write arrived forwards it: there Ratis rejects it
     * before the log. A leader that steps down fails its pending entries with NotLeaderException too, and
     * such an entry may still commit under the next leader, so forwarding it could apply it twice; that
     * write fails with {@link StoreException.Reason#NOT_LEADER} instead (outcome unknown to the caller).
     */
    private CompletableFuture<byte[]> submitEntry(byte[] bytes) {
        StoreException tooLarge = limits.refusal(bytes.length);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        long start = System.nanoTime();
        boolean mayForward = !isLeader();
        CompletableFuture<byte[]> sent = send(bytes, RaftClientRequest.writeRequestType());
        if (!mayForward) {
            sent = sent.whenComplete((reply, failure) -> {
                if (failure == null) {
                    observer.committed(System.nanoTime() - start);
                }
            });
        }
        return sent.exceptionallyCompose(t -> mayForward
                ? forwarder.ifNotLeader(t, (c, peers, leader) -> c.write(peers, leader, bytes))
                : CompletableFuture.failedFuture(RaftReplies.unwrap(t)));
    }

    /**
     * A ReadIndex read: reflects every write acknowledged before it started. On a follower or listener
     * Ratis asks the leader for the read index and runs the query here once it has been applied.
     */
    public CompletableFuture<List<StatementResult>> readLinearizable(List<Statement> statements, boolean transaction,
                                                                     Duration dbTimeout) {
        byte[] bytes = new ReadMessage(statements, transaction, dbTimeout).encode();
        return send(bytes, RaftClientRequest.readRequestType())
                .exceptionallyCompose(t -> forwarder.ifNotLeader(t,
                        (c, peers, leader) -> c.readLinearizable(peers, leader, bytes)))
                .thenApply(b -> ResultCodec.decode(b).results());
    }

    /**
     * rqlite's {@code weak} read: the leader's database without a ReadIndex round (it checks it is the
     * leader, nothing more). Runs locally on the leader, otherwise on the leader through the client.
     */
    public CompletableFuture<List<StatementResult>> readWeak(List<Statement> statements, boolean transaction,
                                                             Duration dbTimeout) {
        if (isLeader()) {
            try {
                return CompletableFuture.completedFuture(readLocal(statements, transaction, dbTimeout));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        byte[] bytes = new ReadMessage(statements, transaction, dbTimeout).encode();
        return forwarder.toLeader((c, peers, leader) -> c.readOnLeader(peers, leader, bytes))
                .thenApply(b -> ResultCodec.decode(b).results());
    }

    /**
     * Asks member {@code nodeId} for its metadata (a stale read addressed to that server, answered from its
     * own config). Fails with {@link StoreException.Reason#UNAVAILABLE} when it is unknown or does not
     * answer within {@code timeout}.
     */
    public CompletableFuture<NodeMeta> nodeMeta(String nodeId, Duration timeout) {
        if (config.nodeId().equals(nodeId)) {
            return CompletableFuture.completedFuture(meta);
        }
        return forwarder.nodeMeta(nodeId, timeout);
    }

    /** A read of the local database, with no leader check. */
    /** The per-table change indexes of this node's copy, for watches served locally. */
    public ChangeLog changes() {
        return changes;
    }

    public List<StatementResult> readLocal(List<Statement> statements, boolean transaction, Duration dbTimeout) {
        return database().query(statements, transaction, dbTimeout);
    }

    /** A consistent binary copy of the local database. */
    public void backup(Path target) {
        database().copyTo(target);
    }

    /** A SQL text dump of the local database. */
    public void dumpSql(Writer out) {
        database().dumpSql(out);
    }

    /**
     * Sends a request to the local server, retrying while a new leader is not ready yet, and fails with
     * {@link StoreException.Reason#TIMEOUT} when no reply arrives within {@code applyTimeout}.
     */
    private CompletableFuture<byte[]> send(byte[] bytes, RaftClientRequest.Type type) {
        RaftServer.Division d = divisionOrNull();
        if (d == null) {
            return CompletableFuture.failedFuture(
                    new StoreException(StoreException.Reason.UNAVAILABLE, "store is not running", null));
        }
        if (ConfChange.members(d).isEmpty()) { // started to join but not added yet: no leader will ever answer
            return CompletableFuture.failedFuture(
                    new StoreException(StoreException.Reason.NO_LEADER, "leader not found: not a member yet", null));
        }
        long deadline = System.nanoTime() + config.applyTimeout().toNanos();
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        attempt(ClusterClient.message(bytes), type, deadline, result);
        return result.orTimeout(config.applyTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(t -> CompletableFuture.failedFuture(RaftReplies.toFailure(t)));
    }

    private void attempt(Message message, RaftClientRequest.Type type, long deadline, CompletableFuture<byte[]> result) {
        long callId = callIds.incrementAndGet();
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId).setServerId(self.getId()).setGroupId(groupId)
                .setCallId(callId).setMessage(message).setType(type)
                .setRepliedCallIds(repliedCallIds.drain()).build();
        CompletableFuture<RaftClientReply> reply;
        try {
            // The division itself, in this thread: RaftServer's own entry point hands every request to its
            // client executor and blocks until that thread appended it, two thread switches per write.
            RaftServer.Division d = divisionOrNull();
            reply = d instanceof RaftClientAsynchronousProtocol direct
                    ? direct.submitClientRequestAsync(request) : server.submitClientRequestAsync(request);
        } catch (IOException | RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        if (!type.isReadOnly()) {
            reply.whenComplete((r, e) -> repliedCallIds.add(callId));
        }
        reply.thenApply(RaftReplies::contentOrThrow).whenComplete((content, failure) -> {
            if (failure == null) {
                result.complete(content);
            } else if (RaftReplies.isTransient(failure) && !closed.get() && System.nanoTime() < deadline) {
                Executor later = CompletableFuture.delayedExecutor(RETRY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                later.execute(() -> attempt(message, type, deadline, result));
            } else {
                result.completeExceptionally(failure);
            }
        });
    }

    /** For tests: see {@link Membership#addVoter}. */
    CompletableFuture<Void> addVoter(String nodeId, String raftAddress) {
        return membership.addVoter(nodeId, raftAddress);
    }

    /** The current leader's node id, or null when none is known. */
    public String leaderId() {
        DivisionInfo info = divisionInfoOrNull();
        RaftPeerId leader = info == null ? null : info.getLeaderId();
        return leader == null ? null : leader.toString();
    }

    public boolean isLeader() {
        DivisionInfo info = divisionInfoOrNull();
        return info != null && info.isLeader();
    }

    /** This node's Raft role (LEADER, FOLLOWER, CANDIDATE, LISTENER), or UNKNOWN; cheap, for the request path. */
    public String role() {
        RaftServer.Division d = divisionOrNull();
        return d == null ? "UNKNOWN" : roleOf(d);
    }

    /**
     * Ratis 3.2.2 never turns a demoted voter's server into a LISTENER (only the opposite change exists,
     * {@code ServerState.updateConfiguration}); it runs as a FOLLOWER that the configuration does not count
     * until {@link Membership#upkeep} restarts it. Report what the configuration says meanwhile.
     */
    private String roleOf(RaftServer.Division d) {
        RaftPeerRole role = d.getInfo().getCurrentRole();
        if (role == null) { // starting (e.g. restarting as a listener)
            return "UNKNOWN";
        }
        RaftConfiguration conf = d.getRaftConf();
        if (role == RaftPeerRole.FOLLOWER && conf.getPeer(self.getId(), RaftPeerRole.FOLLOWER) == null
                && conf.getPeer(self.getId(), RaftPeerRole.LISTENER) != null) {
            return RaftPeerRole.LISTENER.name();
        }
        return role.name();
    }

    /**
     * This node's Raft state; while the server is not running (not started yet, e.g. waiting to join, or
     * restarting as a listener, or closed) a status with role UNKNOWN, no leader and {@code ready} false.
     */
    public StoreStatus status() {
        RaftServer.Division d = divisionOrNull();
        SqliteStateMachine sm = stateMachine;
        if (d == null || sm == null) {
            return new StoreStatus(config.nodeId(), "UNKNOWN", 0, null, null, 0, 0, 0, 0, groupId.getUuid().toString(),
                    false);
        }
        DivisionInfo info = d.getInfo();
        boolean cutOff = LeaderContact.lost(d, stepDownTime());
        RaftPeerId leader = cutOff ? null : info.getLeaderId();
        RaftPeer leaderPeer = leader == null ? null : d.getRaftConf().getPeer(leader);
        long commit = commitIndex(d);
        long applied = sm.getLastAppliedTermIndex().getIndex();
        SnapshotInfo snapshot = sm.getLatestSnapshot();
        StoreDatabase db = sm.database();
        return new StoreStatus(config.nodeId(), cutOff ? RaftPeerRole.FOLLOWER.name() : roleOf(d), info.getCurrentTerm(),
                leader == null ? null : leader.toString(),
                leaderPeer == null ? null : leaderPeer.getAddress(),
                commit, applied, snapshot == null ? 0 : snapshot.getIndex(), db == null ? 0 : db.sizeBytes(),
                groupId.getUuid().toString(), !cutOff && readiness.check(info, commit, applied));
    }

    /** How long a leader that hears from no majority stays leader in Ratis (see RaftPropertiesFactory). */
    private Duration stepDownTime() {
        return config.electionTimeout().multipliedBy(2);
    }

    /** True once a leader is known and this node has applied what was committed when it learnt of it. */
    public boolean isReady() {
        RaftServer.Division d = divisionOrNull();
        if (d == null) {
            return false;
        }
        return !LeaderContact.lost(d, stepDownTime()) && readiness.check(d.getInfo(), commitIndex(d),
                stateMachine.getLastAppliedTermIndex().getIndex());
    }

    /** The division's commit index; 0 while its log is not open (a server started with an empty group, waiting to join). */
    private static long commitIndex(RaftServer.Division d) {
        try {
            return d.getRaftLog().getLastCommittedIndex();
        } catch (IllegalStateException e) { // "log is uninitialized"
            return 0;
        }
    }

    /** Polls {@link #isReady()} until it holds or {@code timeout} passes; returns whether it holds. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isReady()) {
            if (closed.get() || System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** For tests: the configuration changes this node's join queue asked for (see {@link Membership#joinRequested}). */
    long foldedJoinChanges() {
        return membership.foldedJoinChanges();
    }

    /** For tests: where this node's state machine sends join requests from now on (until the server restarts). */
    void onJoinRequest(java.util.function.Function<byte[], CompletableFuture<byte[]>> handler) {
        stateMachine.onJoinRequest(handler);
    }

    /** For tests: Ratis itself runs this server as a listener (see {@link Membership#upkeep}). */
    boolean runsAsListener() {
        RaftServer.Division d = divisionOrNull();
        return d != null && d.getInfo().getCurrentRole() == RaftPeerRole.LISTENER;
    }

    /** For tests: no membership change is half done here (no joint configuration). */
    boolean configurationStable() {
        RaftServer.Division d = divisionOrNull();
        return d != null && ConfChange.stable(d);
    }

    /** Whether the Ratis server runs now (false before {@link #start}, while it restarts, after {@link #close}). */
    public boolean isRunning() {
        return divisionOrNull() != null;
    }

    /** The group's members: voters then listeners. */
    public List<StoreNode> nodes() {
        return nodes(division());
    }

    /**
     * The members of one configuration: {@code getRaftConf()} is read once, because a membership change may
     * replace it between two reads (voters of the old one and listeners of the new one named a demoted node twice).
     */
    static List<StoreNode> nodes(RaftServer.Division d) {
        RaftConfiguration conf = d.getRaftConf();
        List<StoreNode> nodes = new ArrayList<>();
        conf.getCurrentPeers(RaftPeerRole.FOLLOWER)
                .forEach(p -> nodes.add(new StoreNode(p.getId().toString(), p.getAddress(), true)));
        conf.getCurrentPeers(RaftPeerRole.LISTENER)
                .forEach(p -> nodes.add(new StoreNode(p.getId().toString(), p.getAddress(), false)));
        return nodes;
    }

    /**
     * How long ago this node last heard from the leader: zero on the leader itself, null when no leader is
     * known (rqlite's {@code freshness} check).
     */
    public Duration sinceLeaderContact() {
        DivisionInfo info = divisionInfoOrNull();
        if (info == null || info.getLeaderId() == null) {
            return null;
        }
        if (info.isLeader()) {
            return Duration.ZERO;
        }
        RoleInfoProto role = info.getRoleInfoProto();
        if (role.hasFollowerInfo() && role.getFollowerInfo().hasLeaderInfo()) {
            return Duration.ofMillis(role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs());
        }
        return null;
    }

    public String groupId() {
        return groupId.getUuid().toString();
    }

    /**
     * Hands leadership to another voter when this node leads (bounded by a few seconds, so a rolling restart
     * costs no election timeout), then closes Ratis (which closes the state machine) and the database;
     * idempotent.
     */
    @Override
    public synchronized void close() { // synchronized: never interleaves with restartAsListener
        RaftServer.Division d = divisionOrNull();
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        RaftServer s = server;
        if (d != null) {
            LeadershipHandover.transfer(s, d, new LeadershipHandover.Caller(clientId, callIds.incrementAndGet()),
                    TRANSFER_TIMEOUT);
        }
        upkeep.shutdownNow();
        membership.close();
        forwarder.close();
        try {
            if (s != null) {
                LogWorkerClose.close(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            groupCommitSender.shutdown();
            SqliteStateMachine sm = stateMachine;
            if (sm != null) {
                sm.close();
            }
        }
    }

    private StoreDatabase database() {
        SqliteStateMachine sm = stateMachine;
        StoreDatabase db = closed.get() || sm == null ? null : sm.database();
        if (db == null) {
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "store is not running", null);
        }
        return db;
    }

    RaftServer.Division division() {
        RaftServer.Division d = divisionOrNull();
        if (d == null) {
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "store is not running", null);
        }
        return d;
    }

    private RaftServer.Division divisionOrNull() {
        RaftServer s = server;
        if (s == null || closed.get()) {
            return null;
        }
        try {
            RaftServer.Division d = s.getDivision(groupId);
            return d.getInfo().isAlive() ? d : null; // closed by Ratis after a fail-stop
        } catch (IOException e) {
            return null;
        }
    }

    private DivisionInfo divisionInfoOrNull() {
        RaftServer.Division d = divisionOrNull();
        return d == null ? null : d.getInfo();
    }

    // rqlite's operator commands POST /snapshot and POST /reap (issue 17)

    /**
     * rqlite's {@code POST /snapshot}: this node takes a snapshot now, through Ratis' snapshot-management request,
     * so it is pinned on the apply thread and the log behind it is purged as usual. The copy runs beside the apply
     * thread as an automatic one does, so writes go on meanwhile; this call waits for it and asks Ratis again to
     * collect it (SqliteStateMachine#operatorWants), so the answer names a snapshot that holds everything applied
     * when it was called. Returns the new snapshot's index, or -1 when nothing was applied since the last one
     * (rqlite's 204).
     *
     * @throws StoreException UNAVAILABLE when the store is not running, Ratis refused (e.g. while a snapshot
     *                        from the leader is being installed) or the copy failed or could not start, TIMEOUT
     *                        when not done within {@code timeout}
     */
    public long snapshot(Duration timeout) throws InterruptedException {
        division();
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        long beforeIndex = latestSnapshotIndex();
        TermIndex applied = stateMachine.getLastAppliedTermIndex();
        long target = applied == null ? -1 : applied.getIndex();
        stateMachine.operatorWants(target);
        try {
            long replied = snapshotRequest(millisLeft(deadline, timeout)).getLogIndex();
            while (true) {
                long latest = Math.max(replied, latestSnapshotIndex());
                if (latest >= target) {
                    return latest > beforeIndex ? latest : -1;
                }
                SnapshotCopy copy = stateMachine.copyInFlight();
                if (copy != null) {
                    if (!copy.awaitEnd(millisLeft(deadline, timeout))) {
                        throw new StoreException(StoreException.Reason.TIMEOUT, "snapshot not done within " + timeout,
                                null);
                    }
                    Throwable failed = copy.failure();
                    if (failed != null && copy.termIndex().getIndex() >= target) {
                        throw new StoreException(StoreException.Reason.UNAVAILABLE, "snapshot failed: " + failed,
                                failed);
                    }
                } else {
                    IOException notStarted = stateMachine.operatorStartFailure(started);
                    if (notStarted != null) {
                        throw new StoreException(StoreException.Reason.UNAVAILABLE, "snapshot failed: "
                                + notStarted.getCause(), notStarted);
                    }
                    Thread.sleep(10);
                }
                stateMachine.operatorWants(target); // again: another operator's answer may have ended it
                replied = snapshotRequest(millisLeft(deadline, timeout)).getLogIndex(); // collects, or starts a copy
            }
        } finally {
            stateMachine.operatorDone(target);
        }
    }

    private long latestSnapshotIndex() {
        SnapshotInfo latest = stateMachine.getLatestSnapshot();
        return latest == null ? -1 : latest.getIndex();
    }

    private static long millisLeft(long deadline, Duration timeout) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw new StoreException(StoreException.Reason.TIMEOUT, "snapshot not done within " + timeout, null);
        }
        return left;
    }

    /** One snapshot-management request: its takeSnapshot collects a finished copy, or starts one for the operator. */
    private RaftClientReply snapshotRequest(long timeoutMillis) throws InterruptedException {
        var request = org.apache.ratis.protocol.SnapshotManagementRequest.newCreate(clientId, self.getId(), groupId,
                callIds.incrementAndGet(), timeoutMillis, 1);
        RaftClientReply reply;
        try {
            reply = server.snapshotManagementAsync(request).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "snapshot failed: " + e.getCause(), e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new StoreException(StoreException.Reason.TIMEOUT, "snapshot not done within "
                    + Duration.ofMillis(timeoutMillis), e);
        }
        if (!reply.isSuccess()) {
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "snapshot failed: "
                    + (reply.getException() == null ? "refused" : reply.getException().getMessage()), null);
        }
        return reply;
    }

    /**
     * rqlite's {@code POST /reap} (it consolidates its incremental snapshots): deletes this node's snapshots older
     * than the newest ({@link SnapshotReaper}); returns how many. raftlite's snapshots are whole database files,
     * so there is no snapshot WAL to fold in.
     */
    public int reapSnapshots() {
        RaftServer.Division d = division();
        SnapshotInfo latest = stateMachine.getLatestSnapshot();
        try {
            return SnapshotReaper.reap(d.getRaftStorage().getStorageDir().getStateMachineDir().toPath(),
                    latest == null ? -1 : latest.getIndex());
        } catch (IOException e) {
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "reap failed: " + e.getMessage(), e);
        }
    }
}

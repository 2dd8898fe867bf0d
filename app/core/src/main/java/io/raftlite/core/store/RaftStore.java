package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandCodec;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.ResultCodec;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One node's replicated SQLite database: a Ratis server with one group whose state machine is
 * {@link SqliteStateMachine}. Requests go to the local Ratis server in-process (no gRPC hop).
 * Thread-safe; see {@code package-info} for the restart-safety design and readiness rule.
 */
public final class RaftStore implements AutoCloseable {

    private static final Duration RETRY_INTERVAL = Duration.ofMillis(20);

    private final StoreConfig config;
    private final RaftGroupId groupId;
    private final RaftPeer self;
    private final Path raftDir;
    private final RaftProperties properties;
    private final SqliteStateMachine stateMachine;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Readiness readiness = new Readiness();
    private volatile RaftServer server;

    public RaftStore(StoreConfig config) {
        this(config, StoreDatabase.REAL, p -> { });
    }

    /** For tests: another database implementation and extra Ratis settings. */
    RaftStore(StoreConfig config, StoreDatabase.Opener opener, Consumer<RaftProperties> tuning) {
        this.config = config;
        this.groupId = RaftPropertiesFactory.groupId(config.clusterName());
        this.self = RaftPeer.newBuilder().setId(config.nodeId()).setAddress(config.raftAdvertisedAddress()).build();
        this.raftDir = config.dataDir().resolve("raft");
        this.properties = RaftPropertiesFactory.build(config, raftDir);
        tuning.accept(properties);
        this.stateMachine = new SqliteStateMachine(config.dataDir().resolve("db.sqlite"), config.readConnections(), opener);
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
        RaftServer s = RaftServer.newBuilder()
                .setServerId(self.getId())
                .setGroup(group)
                .setProperties(properties)
                .setStateMachine(stateMachine)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        server = s;
        try {
            s.start();
        } catch (IOException | RuntimeException e) {
            Throwable cause = e;
            while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            close();
            throw cause instanceof IOException io ? io : new IOException("store failed to start: " + cause, cause);
        }
    }

    /** Raft state exists once a membership has been recorded ({@code raft-meta.conf}) in the group dir. */
    private boolean hasRaftState() {
        return Files.exists(raftDir.resolve(groupId.getUuid().toString()).resolve("current").resolve("raft-meta.conf"));
    }

    /** Appends a command to the log; completes once it is durable on a majority and applied here. */
    public CompletableFuture<CommandResult> submit(Command command) {
        byte[] bytes = CommandCodec.encode(command);
        return send(bytes, RaftClientRequest.writeRequestType()).thenApply(ResultCodec::decode);
    }

    /** A ReadIndex read: reflects every write acknowledged before it started. */
    public CompletableFuture<List<StatementResult>> readLinearizable(List<Statement> statements, boolean transaction,
                                                                     Duration dbTimeout) {
        byte[] bytes = new ReadMessage(statements, transaction, dbTimeout).encode();
        return send(bytes, RaftClientRequest.readRequestType()).thenApply(b -> ResultCodec.decode(b).results());
    }

    /** A read of the local database, with no leader check. */
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
        if (divisionOrNull() == null) {
            return CompletableFuture.failedFuture(
                    new StoreException(StoreException.Reason.UNAVAILABLE, "store is not running", null));
        }
        long deadline = System.nanoTime() + config.applyTimeout().toNanos();
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        attempt(Message.valueOf(ByteString.copyFrom(bytes)), type, deadline, result);
        return result.orTimeout(config.applyTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(t -> CompletableFuture.failedFuture(RaftReplies.toFailure(t)));
    }

    private void attempt(Message message, RaftClientRequest.Type type, long deadline, CompletableFuture<byte[]> result) {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId).setServerId(self.getId()).setGroupId(groupId)
                .setCallId(callIds.incrementAndGet()).setMessage(message).setType(type).build();
        CompletableFuture<RaftClientReply> reply;
        try {
            reply = server.submitClientRequestAsync(request);
        } catch (IOException | RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
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

    /**
     * Leader only: adds a voting member (Ratis {@code setConfiguration} in ADD mode); completes once the
     * new configuration is committed, after the new node caught up (by log or snapshot). The new node must
     * have been started with {@code start(false)}. Minimal: the discovery/join flow builds on it.
     */
    public CompletableFuture<Void> addVoter(String nodeId, String raftAddress) {
        if (divisionOrNull() == null) {
            return CompletableFuture.failedFuture(
                    new StoreException(StoreException.Reason.UNAVAILABLE, "store is not running", null));
        }
        RaftPeer peer = RaftPeer.newBuilder().setId(nodeId).setAddress(raftAddress).build();
        SetConfigurationRequest request = new SetConfigurationRequest(clientId, self.getId(), groupId,
                callIds.incrementAndGet(), SetConfigurationRequest.Arguments.newBuilder()
                .setServersInNewConf(List.of(peer)).setMode(SetConfigurationRequest.Mode.ADD).build());
        CompletableFuture<RaftClientReply> reply;
        try {
            reply = server.setConfigurationAsync(request);
        } catch (IOException | RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.thenApply(RaftReplies::successOrThrow)
                .exceptionallyCompose(t -> CompletableFuture.failedFuture(RaftReplies.toFailure(t)));
    }

    public boolean isLeader() {
        DivisionInfo info = divisionInfoOrNull();
        return info != null && info.isLeader();
    }

    /** This node's Raft role (LEADER, FOLLOWER, CANDIDATE, LISTENER), or UNKNOWN; cheap, for the request path. */
    public String role() {
        DivisionInfo info = divisionInfoOrNull();
        return info == null ? "UNKNOWN" : info.getCurrentRole().name();
    }

    public StoreStatus status() {
        RaftServer.Division d = division();
        DivisionInfo info = d.getInfo();
        RaftPeerId leader = info.getLeaderId();
        RaftPeer leaderPeer = leader == null ? null : d.getRaftConf().getPeer(leader);
        long commit = d.getRaftLog().getLastCommittedIndex();
        long applied = stateMachine.getLastAppliedTermIndex().getIndex();
        SnapshotInfo snapshot = stateMachine.getLatestSnapshot();
        StoreDatabase db = stateMachine.database();
        return new StoreStatus(config.nodeId(), info.getCurrentRole().name(), info.getCurrentTerm(),
                leader == null ? null : leader.toString(),
                leaderPeer == null ? null : leaderPeer.getAddress(),
                commit, applied, snapshot == null ? 0 : snapshot.getIndex(), db == null ? 0 : db.sizeBytes(),
                groupId.getUuid().toString(), readiness.check(info, commit, applied));
    }

    /** True once a leader is known and this node has applied what was committed when it learnt of it. */
    public boolean isReady() {
        RaftServer.Division d = divisionOrNull();
        if (d == null) {
            return false;
        }
        return readiness.check(d.getInfo(), d.getRaftLog().getLastCommittedIndex(),
                stateMachine.getLastAppliedTermIndex().getIndex());
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

    /** The group's members: voters then listeners. */
    public List<StoreNode> nodes() {
        RaftServer.Division d = division();
        List<StoreNode> nodes = new ArrayList<>();
        d.getRaftConf().getCurrentPeers(RaftPeerRole.FOLLOWER)
                .forEach(p -> nodes.add(new StoreNode(p.getId().toString(), p.getAddress(), true)));
        d.getRaftConf().getCurrentPeers(RaftPeerRole.LISTENER)
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

    /** Closes Ratis (which closes the state machine), then the database; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        RaftServer s = server;
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            stateMachine.close();
        }
    }

    private StoreDatabase database() {
        StoreDatabase db = closed.get() ? null : stateMachine.database();
        if (db == null) {
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "store is not running", null);
        }
        return db;
    }

    private RaftServer.Division division() {
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
}

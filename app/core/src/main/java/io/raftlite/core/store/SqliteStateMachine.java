package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandCodec;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.ResultCodec;
import io.raftlite.core.command.StatementResult;
import io.raftlite.core.db.EntryContext;
import io.raftlite.core.db.StorageException;
import io.raftlite.core.db.WriteLimits;
import io.raftlite.core.membership.JoinRequest;
import io.raftlite.core.sql.SqlPolicy;
import io.raftlite.core.watch.ChangeLog;
import io.raftlite.core.workaround.LockedSnapshotStorage;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The Ratis state machine: decodes a log entry, hands it to the SQLite layer, encodes the result. All
 * database writes ({@link #applyTransaction}, {@link #takeSnapshot}, {@link #reinitialize}) happen on Ratis'
 * single StateMachineUpdater thread; see {@code package-info} for the restart-safety design.
 */
final class SqliteStateMachine extends BaseStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteStateMachine.class);
    static final String INVALID_SQLITE_DATA = "invalid SQLite data";

    /** Time before another snapshot attempt after a failed one. */
    static final long RETRY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

    /** The index of the newest snapshot handed to Ratis; Ratis' clean-up of old files runs only when it moves. */
    private volatile long registered = -1;
    /** Ratis' automatic snapshot threshold, from the server's properties ({@link #initialize}); none: never. */
    private volatile long autoTriggerThreshold = Long.MAX_VALUE;
    private final SnapshotStorage storage = new SnapshotStorage();

    /** Ratis' snapshot storage, whose clean-up of old files runs when the newest snapshot changes. */
    private final class SnapshotStorage extends LockedSnapshotStorage {
        private long cleanedFor = Long.MIN_VALUE;

        @Override
        public synchronized void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
            // Ratis calls this after every takeSnapshot, i.e. after every applied batch while a copy runs
            long newest = registered;
            if (newest != cleanedFor) {
                cleanedFor = newest;
                super.cleanupOldSnapshots(policy);
            }
        }

        /** Keeps the newest {@link RaftPropertiesFactory#SNAPSHOTS_RETAINED} files now (a copy just written). */
        synchronized void cleanUpNow() {
            try {
                super.cleanupOldSnapshots(RETAINED);
            } catch (IOException e) {
                LOG.warn("Could not delete old snapshot files: {}", e.toString());
            }
        }
    }

    private static final SnapshotRetentionPolicy RETAINED = new SnapshotRetentionPolicy() {
        @Override
        public int getNumSnapshotsRetained() {
            return RaftPropertiesFactory.SNAPSHOTS_RETAINED;
        }
    };
    /** The automatic snapshot being copied, or null; set and taken over on the apply thread (see takeSnapshot). */
    private volatile SnapshotCopy copying;
    /** Starting a copy and pausing for an installed snapshot exclude each other. */
    private final Object copyStart = new Object();
    /**
     * The applied index an operator's snapshot must reach ({@link #operatorWants}); while the newest snapshot is
     * older, a {@link #takeSnapshot} with no copy in flight starts one. -1: none wanted.
     */
    private final java.util.concurrent.atomic.AtomicLong operatorWant = new java.util.concurrent.atomic.AtomicLong(-1);
    /** Why the last copy an operator wanted did not start, and when ({@link #operatorStartFailure}); or null. */
    private volatile StartFailure operatorStartFailure;
    private long retryAfter = System.nanoTime();
    /** Who files the request that makes Ratis collect a finished copy ({@link #askRatisToCollect}). */
    private final org.apache.ratis.protocol.ClientId collector = org.apache.ratis.protocol.ClientId.randomId();
    private final java.util.concurrent.atomic.AtomicLong collectCalls = new java.util.concurrent.atomic.AtomicLong();
    private final Path dbFile;
    private final int readConnections;
    private final WriteLimits limits;
    private final StoreDatabase.Opener opener;
    private final NodeMeta self;
    private final StoreConfig.FailStop failStop;
    private final ChangeLog changes;
    private volatile StoreDatabase db;
    private volatile Path smDir;
    private volatile Path logDir;

    SqliteStateMachine(Path dbFile, int readConnections, WriteLimits limits, StoreDatabase.Opener opener, NodeMeta self,
                       StoreConfig.FailStop failStop, ChangeLog changes) {
        this.dbFile = dbFile;
        this.changes = changes;
        this.self = self;
        this.readConnections = readConnections;
        this.limits = limits;
        this.opener = opener;
        this.failStop = failStop;
    }

    private volatile Runnable onConfigurationChange = () -> { };
    private volatile StoreObserver observer = StoreObserver.NONE;

    /** Reports applies, snapshots and leader changes to {@code o} from now on. */
    void observe(StoreObserver o) {
        observer = o;
    }

    private volatile Consumer<RaftPeerId> onLeaderChange = leader -> { };

    /** Runs {@code hook} (it must not block: Ratis calls it holding its locks) when this node learns of a new leader. */
    void onLeaderChange(Consumer<RaftPeerId> hook) {
        onLeaderChange = hook;
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        if (newLeaderId != null) {
            observer.leaderChanged();
            onLeaderChange.accept(newLeaderId);
        }
    }

    private volatile Function<byte[], CompletableFuture<byte[]>> joins = request -> CompletableFuture.failedFuture(
            new StoreException(StoreException.Reason.UNAVAILABLE, "joins are not served here yet", null));

    /** Where join requests go ({@link io.raftlite.core.membership.Membership#joinRequested}); it must not block. */
    void onJoinRequest(Function<byte[], CompletableFuture<byte[]>> handler) {
        joins = handler;
    }

    /** Runs {@code hook} (it must not block) whenever a configuration entry is applied here. */
    void onConfigurationChange(Runnable hook) {
        onConfigurationChange = hook;
    }

    @Override
    public void notifyConfigurationChanged(long term, long index, RaftProtos.RaftConfigurationProto conf) {
        onConfigurationChange.run();
    }

    /** The live database, or null before initialisation and after close. */
    StoreDatabase database() {
        return db;
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            if (RaftServerConfigKeys.Snapshot.autoTriggerEnabled(server.getProperties())) {
                autoTriggerThreshold = RaftServerConfigKeys.Snapshot.autoTriggerThreshold(server.getProperties());
            }
            smDir = raftStorage.getStorageDir().getStateMachineDir().toPath();
            logDir = raftStorage.getStorageDir().getCurrentDir().toPath();
            Optional<SingleFileSnapshotInfo> snapshot = SnapshotFiles.newestValid(smDir); // quarantines bad ones first
            storage.init(raftStorage);
            rebuild(snapshot);
        });
    }

    /**
     * Ratis pauses the state machine right before it publishes a snapshot installed from the leader into
     * {@code sm/}. A copy still writing there is waited for first (and forgotten: the leader's is newer).
     */
    @Override
    public void pause() {
        SnapshotCopy pending;
        synchronized (copyStart) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            pending = copying;
        }
        if (pending != null) {
            try {
                pending.await();
            } catch (IOException e) {
                LOG.warn("Snapshot at {} failed while pausing for the leader's snapshot", pending.termIndex(), e);
            }
        }
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    /** After Ratis installed a snapshot from the leader into a fresh {@code sm/}: rebuild from it. */
    @Override
    public void reinitialize() throws IOException {
        getLifeCycle().transition(LifeCycle.State.STARTING);
        copying = null; // finished in pause()
        Optional<SingleFileSnapshotInfo> installed = SnapshotFiles.newestValid(smDir);
        if (installed.isEmpty()) {
            throw new IOException("Ratis reported an installed snapshot but " + smDir + " holds no valid one");
        }
        rebuild(installed);
        LOG.info("{}: installed the leader's snapshot {} (index {})", self.id(),
                installed.get().getFile().getPath().getFileName(), installed.get().getIndex());
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    /**
     * Makes the live database equal to the snapshot (or empty) and sets the applied index to match; Ratis
     * replays the log after it. Refuses to start when the log no longer holds the entries after it.
     */
    private void rebuild(Optional<SingleFileSnapshotInfo> snapshot) throws IOException {
        long snapshotIndex = snapshot.map(SingleFileSnapshotInfo::getIndex).orElse(-1L);
        OptionalLong logStart = SnapshotFiles.logStartIndex(logDir);
        if (logStart.isPresent() && logStart.getAsLong() > snapshotIndex + 1) {
            throw new IOException("Refusing to start: the newest usable snapshot ends at index " + snapshotIndex
                    + " but the Raft log starts at " + logStart.getAsLong() + ", so entries in between would be lost."
                    + " Restore a valid snapshot into " + smDir + " or rejoin this node with an empty data dir.");
        }
        if (snapshot.isEmpty() && logStart.isEmpty() && hasQuarantinedSnapshot()) {
            throw new IOException("Refusing to start: no usable snapshot in " + smDir
                    + " and no Raft log to rebuild from; the data would be lost");
        }
        if (snapshot.isPresent()) {
            SingleFileSnapshotInfo info = snapshot.get();
            openDatabase().restoreFrom(info.getFile().getPath());
            storage.updateLatestSnapshot(info);
            registered = info.getIndex();
            setLastAppliedTermIndex(info.getTermIndex());
            changes.reset(info.getIndex(), db.takeChanges()); // every table counts as changed here
            LOG.info("Restored {} from snapshot {}; Ratis replays the log after index {}", dbFile,
                    info.getFile().getPath().getFileName(), info.getIndex());
        } else {
            closeDatabase();
            deleteDatabaseFiles();
            openDatabase();
            setLastAppliedTermIndex(TermIndex.INITIAL_VALUE);
            changes.reset(0, db.takeChanges());
            LOG.info("No snapshot: starting {} empty; Ratis replays the whole log", dbFile);
        }
    }

    private boolean hasQuarantinedSnapshot() throws IOException {
        try (var files = Files.list(smDir)) {
            return files.anyMatch(p -> p.getFileName().toString().contains(SnapshotFiles.CORRUPT_SUFFIX));
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Leader only: rejects an entry that would not decode, or a single command that {@link SqlPolicy} refuses,
     * before it is ever appended to the log (the HTTP layer refuses those first; this guards every other path).
     * A group commit's entry is not refused as a whole: apply refuses its bad statements one by one.
     */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        TransactionContext trx = super.startTransaction(request);
        byte[] data = request.getMessage().getContent().toByteArray();
        try {
            List<Command> commands = CommandCodec.decodeEntry(data);
            Optional<String> refused = CommandCodec.isBatch(data) ? Optional.empty() : refusal(commands.get(0));
            if (refused.isPresent()) {
                trx.setException(new StateMachineException(getId() == null ? null
                        : RaftGroupMemberId.valueOf(getId(), getGroupId()), new IllegalArgumentException(refused.get())));
            }
        } catch (IllegalArgumentException e) {
            trx.setException(new StateMachineException("not a valid command: " + e.getMessage()));
        }
        return trx;
    }

    private static Optional<String> refusal(Command command) {
        return switch (command.kind()) {
            case EXECUTE, QUERY -> SqlPolicy.refusal(command.statements());
            case LOAD_SQL -> SqlPolicy.refusal(new String(command.payload(), StandardCharsets.UTF_8));
            default -> Optional.empty();
        };
    }

    /**
     * Applies one entry synchronously: its single command, or a group commit's commands one after the other,
     * each exactly as if it were its own entry (own transaction flag, time and seed). An environmental
     * failure or an undecodable entry throws, which makes Ratis stop this server (fail-stop); completing the
     * future exceptionally would instead skip the entry on this replica only.
     */
    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        long start = System.nanoTime();
        LogEntryProto entry = trx.getLogEntry();
        byte[] data = entry.getStateMachineLogEntry().getLogData().toByteArray();
        List<Command> commands;
        try {
            commands = CommandCodec.decodeEntry(data);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("log entry " + entry.getIndex() + " is not a valid command", e);
        }
        byte[] reply;
        if (CommandCodec.isBatch(data)) {
            List<CommandResult> results = new ArrayList<>(commands.size());
            for (Command command : commands) {
                results.add(apply(command, entry.getIndex()));
            }
            reply = ResultCodec.encodeBatch(results);
        } else {
            reply = ResultCodec.encode(apply(commands.get(0), entry.getIndex()));
        }
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        changes.applied(entry.getIndex(), db.takeChanges());
        observer.applied(System.nanoTime() - start);
        if (trx.getClientRequest() == null) {
            // No client waits on this node (a follower, or a replay): Ratis would still keep the reply in its
            // retry cache for raft.server.retrycache.expirytime (60 s), where nothing ever evicts it on a
            // follower; results of up to 8 MiB per entry, kept a minute each, ran the 64 MiB heap out.
            return CompletableFuture.completedFuture(Message.EMPTY);
        }
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply)));
    }

    private CommandResult apply(Command command, long index) {
        StoreDatabase database = db;
        EntryContext ctx = new EntryContext(command.timestampMillis(), command.seed());
        try {
            switch (command.kind()) {
                case EXECUTE, QUERY -> {
                    boolean readOnly = command.kind() == Command.Kind.QUERY;
                    List<StatementResult> results = database.apply(command.statements(), command.transaction(), readOnly, ctx);
                    return new CommandResult(results, null, index);
                }
                case LOAD_DATABASE -> {
                    try {
                        database.loadDatabase(command.payload());
                        return new CommandResult(List.of(), null, index);
                    } catch (IllegalArgumentException e) {
                        return new CommandResult(List.of(), INVALID_SQLITE_DATA, index);
                    }
                }
                case LOAD_SQL -> {
                    StatementResult r = database.loadSql(new String(command.payload(), StandardCharsets.UTF_8), ctx);
                    return new CommandResult(List.of(r), null, index);
                }
                default -> throw new IllegalStateException("unknown kind " + command.kind());
            }
        } catch (StorageException e) {
            failStop.storageFailed(index, e);
            LOG.error("Storage failure applying entry {}: stopping this server", index, e);
            throw e;
        }
    }

    /**
     * A read: linearizable (Ratis calls this once the ReadIndex has been applied here), non-linearizable on
     * the leader, the node-metadata request (a stale read addressed to this server), answered from config, or a
     * join request ({@link JoinRequest}, non-linearizable, to the leader), answered by {@link #onJoinRequest}'s
     * handler once the node is added or refused.
     */
    @Override
    public CompletableFuture<Message> query(Message request) {
        try {
            byte[] bytes = request.getContent().toByteArray();
            if (NodeMeta.isRequest(bytes)) {
                return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(self.encode())));
            }
            if (JoinRequest.isRequest(bytes)) {
                return joins.apply(bytes).thenApply(reply -> Message.valueOf(ByteString.copyFrom(reply)));
            }
            ReadMessage read = ReadMessage.decode(bytes);
            StoreDatabase database = db;
            if (database == null) {
                throw new StoreException(StoreException.Reason.UNAVAILABLE, "database is closed", null);
            }
            List<StatementResult> results = database.query(read.statements(), read.transaction(), read.dbTimeout());
            byte[] encoded = ResultCodec.encode(new CommandResult(results, null, 0));
            return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(encoded)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Runs on the StateMachineUpdater thread after every pending apply has completed (Ratis 3.3.0
     * {@code StateMachineUpdater.takeSnapshot}). It pins the database at the applied index and copies it on a
     * thread of its own ({@link SnapshotCopy}), so applies go on meanwhile; the copy used to hold every write for
     * its whole length (88-173 ms at 18-36 MB, the 1-node write tail of issue 16). Until the copy is done this
     * answers -1 (no snapshot yet), and Ratis asks again after each applied batch because the applied index is
     * still past its threshold; the first call after it is done registers the snapshot and answers its index,
     * and only then does Ratis purge the log behind it; when the applied index is by then a threshold or more past
     * it, the next copy starts at once ({@link #startNextIfBehind}). Otherwise a call with no copy in flight starts
     * one only when the threshold is reached (or at Ratis' snapshot at stop): the copy's own collect request may
     * arrive after an applied entry collected it, and used to start another copy below the threshold. An
     * operator's snapshot ({@link #operatorWants}) is copied the same way: while Ratis' newest snapshot is older
     * than the index the operator wants, a call collects a finished copy, or else starts one at the applied index
     * without the threshold or a failure's retry delay; the operator's caller waits for that copy off this thread
     * and calls again until the snapshot collected holds what it needs ({@link RaftStore#snapshot}). It used to copy
     * in this thread, which held every write for the copy's length. A failure is an {@link IOException}, which
     * Ratis logs without stopping; the next automatic attempt waits {@link #RETRY_NANOS}.
     */
    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) {
            return -1;
        }
        boolean operator = operatorWant.get() > registered;
        SnapshotCopy pending = copying;
        if (pending != null) {
            if (!pending.isDone()) {
                return -1;
            }
            copying = null;
            long index = register(pending, !operator);
            if (!operator) {
                startNextIfBehind(last, index);
            }
            return index; // when behind what an operator wants, the operator's caller asks again, which starts a copy
        }
        if (operator) {
            try {
                startCopy(last);
            } catch (IOException e) {
                // answered, not thrown: Ratis would log it and leave the operator's request pending until its timeout
                LOG.warn("Snapshot at {} for an operator not started: {}", last, e.getCause());
                operatorStartFailure = new StartFailure(System.nanoTime(), e);
            }
            return -1;
        }
        // Ratis also calls this for a request still pending when the copy it was to collect has been collected
        // (askRatisToCollect): with writes applied since, that call must not start a copy below the threshold
        boolean due = last.getIndex() - registered >= autoTriggerThreshold
                || (last.getIndex() > registered && stopping());
        if (System.nanoTime() - retryAfter < 0 || !due) {
            return -1;
        }
        startCopy(last);
        return -1;
    }

    /** Ratis' server is closing this group: its updater's last call (Ratis' snapshot at stop) is due as it stands. */
    private boolean stopping() {
        RaftServer server = getServer().getNow(null);
        try {
            return server != null && !server.getDivision(getGroupId()).getInfo().isAlive();
        } catch (IOException e) {
            return true; // the group is gone from the server
        }
    }

    private void startCopy(TermIndex last) throws IOException {
        synchronized (copyStart) {
            if (getLifeCycleState() == LifeCycle.State.RUNNING) {
                copying = newCopy(last).inBackground();
            }
        }
    }

    /**
     * A copy collected when the applied index is already a threshold or more past it starts the next copy at once:
     * Ratis asks for a snapshot only after an applied entry, so a node that went idle while a copy ran would keep up
     * to two thresholds of log behind its snapshot until its next write.
     */
    private void startNextIfBehind(TermIndex last, long collected) {
        if (collected < 0 || last.getIndex() - collected < autoTriggerThreshold || System.nanoTime() - retryAfter < 0) {
            return;
        }
        try {
            startCopy(last);
        } catch (IOException e) {
            LOG.warn("Snapshot at {} not started: {}", last, e.getMessage()); // the next applied entry tries again
        }
    }

    private StoreDatabase.Pinned pin(TermIndex last) throws IOException {
        try {
            return db.pin();
        } catch (RuntimeException e) {
            retryAfter = System.nanoTime() + RETRY_NANOS;
            // Ratis logs an IOException from takeSnapshot and carries on (the log is simply not purged);
            // any other exception would make it retry in a loop while stopping. A snapshot is optional.
            throw new IOException("snapshot at " + last + " failed", e);
        }
    }

    private SnapshotCopy newCopy(TermIndex last) throws IOException {
        return new SnapshotCopy(storage.getSnapshotFile(last.getTerm(), last.getIndex()), last, pin(last), this::written);
    }

    /**
     * The copying thread, once a snapshot's files are complete. Ratis learns of the snapshot only from
     * {@link #takeSnapshot}, which its updater calls after the next applied entry, or within 100 ms when a
     * snapshot request is pending; so a background copy files such a request, and an idle node hands the snapshot
     * over (and purges the log behind it) at once instead of at the next write.
     */
    private void written(SnapshotCopy copy) {
        observer.snapshotTaken(copy.tookNanos());
        LOG.info("Took snapshot {} in {} ms ({} bytes); applies went on meanwhile", copy.target().getName(),
                copy.tookNanos() / 1_000_000, copy.target().length());
        // the newest files stay whether or not Ratis collects this copy soon (an idle node, a store closing)
        storage.cleanUpNow();
        if (copy.background()) {
            askRatisToCollect(copy, COLLECT_ASKS);
        }
    }

    /** How often a finished copy asks Ratis to collect it before it leaves that to the next applied entry. */
    private static final int COLLECT_ASKS = 5;

    /**
     * Files the request. Ratis merges a request into one still pending, which may be answered by a takeSnapshot
     * that ran before this copy was done; while the copy is still not collected it asks again, 50 ms later. A way of
     * using Ratis listed with the workarounds (io.raftlite.core.workaround), canary {@code SnapshotRequestMergeTest}.
     */
    private void askRatisToCollect(SnapshotCopy copy, int asksLeft) {
        RaftGroupMemberId member = getId() == null ? null : RaftGroupMemberId.valueOf(getId(), getGroupId());
        if (member == null || asksLeft <= 0) {
            return;
        }
        getServer().thenCompose(server -> {
            try {
                // creation gap 1: Ratis compares the applied index with the snapshot it knows, which is still older
                return server.snapshotManagementAsync(org.apache.ratis.protocol.SnapshotManagementRequest.newCreate(
                        collector, member.getPeerId(), member.getGroupId(), collectCalls.incrementAndGet(), 30_000, 1));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }).whenComplete((reply, failure) -> {
            if (failure == null && copying == copy && getLifeCycleState() == LifeCycle.State.RUNNING) {
                CompletableFuture.delayedExecutor(50, java.util.concurrent.TimeUnit.MILLISECONDS)
                        .execute(() -> askRatisToCollect(copy, asksLeft - 1));
            } else if (failure != null) {
                LOG.debug("Could not ask Ratis to collect the snapshot now; it will at the next applied entry", failure);
            }
        });
    }

    /**
     * Apply thread: hands a finished copy to Ratis (answers its index); a failed one throws when {@code rethrow}
     * (else answers -1), and the next attempt waits.
     */
    private long register(SnapshotCopy copy, boolean rethrow) throws IOException {
        SingleFileSnapshotInfo info;
        try {
            info = copy.await();
        } catch (IOException e) {
            retryAfter = System.nanoTime() + RETRY_NANOS;
            if (rethrow) {
                throw e;
            }
            LOG.error("Snapshot at {} failed", copy.termIndex(), e);
            return -1;
        }
        storage.updateLatestSnapshot(info);
        registered = info.getIndex();
        return info.getIndex();
    }

    /**
     * An operator wants a snapshot with every entry up to {@code index}: until one is handed to Ratis, the
     * {@link #takeSnapshot} that a snapshot-management request triggers starts a copy at the applied index at once
     * (without the threshold or a failure's retry delay) when none is in flight. {@link #operatorDone} ends it.
     */
    void operatorWants(long index) {
        operatorWant.accumulateAndGet(index, Math::max);
    }

    /** The operator who wanted {@code index} has its answer, or gave up; a later or larger want stays. */
    void operatorDone(long index) {
        operatorWant.compareAndSet(index, -1);
    }

    private record StartFailure(long atNanos, IOException cause) {
    }

    /** Why a copy that an operator wanted could not start (the database could not be pinned) since {@code sinceNanos}. */
    IOException operatorStartFailure(long sinceNanos) {
        StartFailure f = operatorStartFailure;
        return f != null && f.atNanos() - sinceNanos >= 0 ? f.cause() : null;
    }

    /** The snapshot copy started and not yet handed to Ratis (done or not), or null. */
    SnapshotCopy copyInFlight() {
        return copying;
    }

    /** Closing the database waits for a copy still running (which cleans up after itself). */
    @Override
    public void close() {
        getLifeCycle().checkStateAndClose(this::closeDatabase);

    }

    private StoreDatabase openDatabase() {
        if (db == null) {
            db = opener.open(dbFile, readConnections, limits);
        }
        return db;
    }

    private void closeDatabase() {
        StoreDatabase d = db;
        db = null;
        if (d != null) {
            d.close();
        }
    }

    private void deleteDatabaseFiles() throws IOException {
        for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
            Files.deleteIfExists(dbFile.resolveSibling(dbFile.getFileName() + suffix));
        }
    }
}

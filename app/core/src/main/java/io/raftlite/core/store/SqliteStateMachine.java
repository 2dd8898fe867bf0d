package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandCodec;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.ResultCodec;
import io.raftlite.core.command.StatementResult;
import io.raftlite.core.db.EntryContext;
import io.raftlite.core.db.StorageException;
import io.raftlite.core.db.WriteLimits;
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
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
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

/**
 * The Ratis state machine: decodes a log entry, hands it to the SQLite layer, encodes the result. All
 * database writes ({@link #applyTransaction}, {@link #takeSnapshot}, {@link #reinitialize}) happen on Ratis'
 * single StateMachineUpdater thread; see {@code package-info} for the restart-safety design.
 */
final class SqliteStateMachine extends BaseStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteStateMachine.class);
    static final String INVALID_SQLITE_DATA = "invalid SQLite data";

    private final SimpleStateMachineStorage storage = new LockedSnapshotStorage();
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
            smDir = raftStorage.getStorageDir().getStateMachineDir().toPath();
            logDir = raftStorage.getStorageDir().getCurrentDir().toPath();
            Optional<SingleFileSnapshotInfo> snapshot = SnapshotFiles.newestValid(smDir); // quarantines bad ones first
            storage.init(raftStorage);
            rebuild(snapshot);
        });
    }

    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    /** After Ratis installed a snapshot from the leader into a fresh {@code sm/}: rebuild from it. */
    @Override
    public void reinitialize() throws IOException {
        getLifeCycle().transition(LifeCycle.State.STARTING);
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
     * the leader, or the node-metadata request (a stale read addressed to this server), answered from config.
     */
    @Override
    public CompletableFuture<Message> query(Message request) {
        try {
            byte[] bytes = request.getContent().toByteArray();
            if (NodeMeta.isRequest(bytes)) {
                return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(self.encode())));
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
     * Runs on the StateMachineUpdater thread after every pending apply has completed (Ratis 3.2.2
     * {@code StateMachineUpdater.takeSnapshot}), so the copy is exactly the state at the applied index.
     * A failure is reported as an {@link IOException}, which Ratis logs without stopping.
     */
    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) {
            return -1;
        }
        long start = System.nanoTime();
        File target = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        SingleFileSnapshotInfo info;
        try {
            info = SnapshotFiles.write(target, last, db::copyTo);
        } catch (RuntimeException e) {
            // Ratis logs an IOException from takeSnapshot and carries on (the log is simply not purged);
            // any other exception would make it retry in a loop while stopping. A snapshot is optional.
            throw new IOException("snapshot at " + last + " failed", e);
        }
        storage.updateLatestSnapshot(info);
        long took = System.nanoTime() - start;
        observer.snapshotTaken(took);
        // applies wait while the copy runs: its time is a write's worst case (issue 16's tail latency)
        LOG.info("Took snapshot {} in {} ms ({} bytes)", target.getName(), took / 1_000_000, target.length());
        return last.getIndex();
    }

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

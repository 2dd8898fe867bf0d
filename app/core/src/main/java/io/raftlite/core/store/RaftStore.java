package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** STUB: replaced by the store part. Signatures are the contract. */
public final class RaftStore implements AutoCloseable {

    public RaftStore(StoreConfig config) {
    }

    /** Opens the log and database; bootstraps a single-node group when the node has no Raft state. */
    public void start() throws IOException {
        throw new UnsupportedOperationException("stub");
    }

    /** Appends a command to the log; completes once it is durable on a majority and applied here. */
    public CompletableFuture<CommandResult> submit(Command command) {
        throw new UnsupportedOperationException("stub");
    }

    /** A ReadIndex read: reflects every write acknowledged before it started. */
    public CompletableFuture<List<StatementResult>> readLinearizable(List<Statement> statements, boolean transaction,
                                                                     Duration dbTimeout) {
        throw new UnsupportedOperationException("stub");
    }

    /** A read of the local database, with no leader check. */
    public List<StatementResult> readLocal(List<Statement> statements, boolean transaction, Duration dbTimeout) {
        throw new UnsupportedOperationException("stub");
    }

    /** A consistent binary copy of the local database. */
    public void backup(Path target) {
        throw new UnsupportedOperationException("stub");
    }

    /** A SQL text dump of the local database. */
    public void dumpSql(Writer out) {
        throw new UnsupportedOperationException("stub");
    }

    public boolean isLeader() {
        throw new UnsupportedOperationException("stub");
    }

    public StoreStatus status() {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public void close() {
    }
}

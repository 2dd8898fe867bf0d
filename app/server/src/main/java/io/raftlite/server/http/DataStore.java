package io.raftlite.server.http;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import io.raftlite.core.store.StoreStatus;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What the data API needs from the store. */
public interface DataStore {

    /** Appends a command to the Raft log; completes once it is committed and applied here. */
    CompletableFuture<CommandResult> submit(Command command);

    /** A ReadIndex (linearizable) read. */
    CompletableFuture<List<StatementResult>> readLinearizable(List<Statement> statements, boolean transaction,
                                                              Duration dbTimeout);

    /** A read of this node's database with no leader check. */
    List<StatementResult> readLocal(List<Statement> statements, boolean transaction, Duration dbTimeout);

    /** The full status, for diagnostics; it reads file sizes, so keep it off the request path. */
    StoreStatus status();

    /** This node's role and leader contact, cheap enough for every request. */
    Leadership leadership();
}

package io.raftlite.server.http;

import io.raftlite.core.api.ReadLevel;
import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import io.raftlite.core.store.StoreStatus;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What the data API needs from the store. Writes and leader-level reads are forwarded by the store. */
public interface DataStore {

    /** Appends a command to the Raft log (through the leader); completes once it is committed and applied. */
    CompletableFuture<CommandResult> submit(Command command);

    /**
     * A read at {@link ReadLevel#NONE} (this node's copy), {@link ReadLevel#WEAK} (the leader's copy) or
     * {@link ReadLevel#LINEARIZABLE} (ReadIndex).
     */
    CompletableFuture<List<StatementResult>> read(ReadLevel level, List<Statement> statements, boolean transaction,
                                                  Duration dbTimeout);

    /** The full status, for diagnostics; it reads file sizes, so keep it off the request path. */
    StoreStatus status();

    /** This node's role and leader contact, cheap enough for every request. */
    Leadership leadership();

    /** The leader's advertised HTTP API URL (for rqlite's {@code redirect}), when a leader is known and reachable. */
    Optional<String> leaderApiAddress();
}

package io.raftlite.core.command;

import java.util.List;

/**
 * What applying one log entry produced.
 *
 * @param results   one result per statement (fewer when a transaction stopped at an error)
 * @param error     a whole-entry refusal (e.g. a load that was not a valid database), or {@code null}
 * @param raftIndex the log index of the entry
 */
public record CommandResult(List<StatementResult> results, String error, long raftIndex) {

    public CommandResult {
        results = List.copyOf(results);
    }
}

package io.raftlite.core.command;

/** A statement that returned no rows: rqlite's {@code last_insert_id} and {@code rows_affected}. */
public record ExecuteResult(long lastInsertId, long rowsAffected, double timeSeconds) implements StatementResult {
}

package io.raftlite.core.command;

import java.util.List;
import java.util.Objects;

/**
 * One Raft log entry.
 *
 * @param kind            what applying it does
 * @param transaction     run all statements in one transaction, stopping and rolling back at the first error
 * @param timestampMillis the wall-clock time of the node that created the entry: every replica evaluates
 *                        {@code 'now'} and {@code CURRENT_TIMESTAMP} as this instant
 * @param seed            seeds {@code random()} and {@code randomblob()} for this entry, on every replica
 * @param statements      the statements ({@link Kind#EXECUTE}, {@link Kind#QUERY})
 * @param payload         a SQLite database file ({@link Kind#LOAD_DATABASE}) or UTF-8 SQL text
 *                        ({@link Kind#LOAD_SQL}); empty otherwise
 */
public record Command(Kind kind, boolean transaction, long timestampMillis, long seed,
                      List<Statement> statements, byte[] payload) {

    public enum Kind {
        /** Statements that may write; statements that return rows give rows (RETURNING, /db/request reads). */
        EXECUTE,
        /** A strong read: statements run through the log on a connection that cannot write. */
        QUERY,
        /** Replace the whole database with the SQLite file in {@code payload}. */
        LOAD_DATABASE,
        /** Run the SQL text in {@code payload} (a dump) in one transaction, all or nothing. */
        LOAD_SQL
    }

    public Command {
        Objects.requireNonNull(kind, "kind");
        statements = List.copyOf(statements);
        payload = payload == null ? new byte[0] : payload;
    }

    public static Command execute(List<Statement> statements, boolean transaction, long timestampMillis, long seed) {
        return new Command(Kind.EXECUTE, transaction, timestampMillis, seed, statements, null);
    }

    public static Command query(List<Statement> statements, boolean transaction, long timestampMillis, long seed) {
        return new Command(Kind.QUERY, transaction, timestampMillis, seed, statements, null);
    }
}

package io.raftlite.core.sql;

import io.raftlite.core.command.Statement;

import java.util.List;
import java.util.Optional;

/** STUB: replaced by the SQLite layer. Signatures are the contract. */
public final class SqlPolicy {

    private SqlPolicy() {
    }

    /** Why these statements are refused as a whole (rqlite's {@code disallowed pragma}, ATTACH, ...), if they are. */
    public static Optional<String> refusal(List<Statement> statements) {
        throw new UnsupportedOperationException("stub");
    }

    /** Whether a statement only reads (so /db/request may serve it without the log). */
    public static boolean isReadOnly(String sql) {
        throw new UnsupportedOperationException("stub");
    }
}

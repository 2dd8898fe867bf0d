package io.raftlite.core.db;

import io.raftlite.core.sql.SqlLexer;
import io.raftlite.core.sql.SqlToken;
import io.raftlite.core.sql.StatementSplitter;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteUpdateListener;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which user tables the write connection changed and committed, from SQLite's own hooks: the update hook
 * names each row's table, the commit and rollback hooks keep or drop what a transaction collected. What
 * the update hook does not report makes the change count as "every table" (conservative, never a miss):
 * DDL (CREATE/DROP/ALTER), and any statement whose {@code total_changes()} delta exceeds the rows the hook
 * saw (WITHOUT ROWID tables, the truncate optimisation of {@code DELETE FROM t}). A statement that fails
 * inside a transaction that then commits leaves its hooked tables counted (a possible spurious wake-up,
 * never a miss). Apply thread only.
 */
final class ChangeCapture {

    private final SQLiteConnection conn;
    /** Collected in the open transaction; kept on commit, dropped on rollback. */
    private final Set<String> pending = new HashSet<>();
    private boolean pendingAll;
    /** Committed since the last {@link #take}. */
    private final Set<String> committed = new HashSet<>();
    private boolean committedAll;
    private long hookedRows;
    private int transactionsEnded;
    private boolean lastEndCommitted;

    ChangeCapture(Connection writer) throws SQLException {
        this.conn = writer.unwrap(SQLiteConnection.class);
        conn.addUpdateListener(this::onRow);
        conn.addCommitListener(new SQLiteCommitListener() {
            @Override
            public void onCommit() {
                committed.addAll(pending);
                committedAll |= pendingAll;
                ended(true);
            }

            @Override
            public void onRollback() {
                ended(false);
            }
        });
    }

    private void onRow(SQLiteUpdateListener.Type type, String database, String table, long rowId) {
        hookedRows++;
        if ("main".equals(database) && isUserTable(table)) {
            pending.add(table);
        }
    }

    private void ended(boolean commit) {
        pending.clear();
        pendingAll = false;
        transactionsEnded++;
        lastEndCommitted = commit;
    }

    /** A new entry: nothing can be pending (every entry ends committed), so a leftover is dropped. */
    void beginEntry() {
        pending.clear();
        pendingAll = false;
    }

    static boolean isUserTable(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !lower.startsWith("sqlite_") && !lower.startsWith("raftlite_");
    }

    /** The state before one statement, for {@link #afterStatement}. */
    record Mark(long totalChanges, long hookedRows, int transactionsEnded) {
    }

    Mark beforeStatement() throws SQLException {
        return new Mark(conn.getDatabase().total_changes(), hookedRows, transactionsEnded);
    }

    /** After {@code sql} ran without error: counts what the update hook could not see. */
    void afterStatement(Mark before, String sql) throws SQLException {
        long delta = conn.getDatabase().total_changes() - before.totalChanges();
        long hooked = hookedRows - before.hookedRows();
        // DDL writes no rows the hook reports; only then is the text lexed (a large INSERT is not lexed twice)
        boolean unseen = delta > hooked || hooked == 0 && isSchemaChange(sql);
        if (!unseen) {
            return;
        }
        if (transactionsEnded == before.transactionsEnded()) {
            pendingAll = true; // the statement's transaction is still open: kept only if it commits
        } else if (lastEndCommitted) {
            committedAll = true; // it ran in (and ended) a transaction of its own, which committed
        }
    }

    /**
     * Whether one of the statements of {@code sql} starts with CREATE, DROP or ALTER. One statement is lexed at a
     * time: a text of 200,000 statements lexed whole held 600,000 tokens and ended the node (OutOfMemoryError).
     */
    private static boolean isSchemaChange(String sql) {
        for (String part : StatementSplitter.each(sql)) {
            SqlToken first = SqlLexer.first(part);
            if (first != null && (first.isKeyword("CREATE") || first.isKeyword("DROP") || first.isKeyword("ALTER"))) {
                return true;
            }
        }
        return false;
    }

    /** Marks every table changed by what commits next (a load), or at once when {@code now} (a file swap). */
    void markAll(boolean now) {
        if (now) {
            committedAll = true;
        } else {
            pendingAll = true;
        }
    }

    /** What committed since the last call; when it is every table, {@code allTables} lists them. */
    TableChanges take(Set<String> allTables) {
        TableChanges out = committedAll ? new TableChanges(allTables, true)
                : committed.isEmpty() ? TableChanges.NONE : new TableChanges(committed, false);
        committed.clear();
        committedAll = false;
        return out;
    }

    boolean needsTableList() {
        return committedAll;
    }
}

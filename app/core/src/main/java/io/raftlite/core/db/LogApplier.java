package io.raftlite.core.db;

import io.raftlite.core.command.ErrorResult;
import io.raftlite.core.command.ExecuteResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import io.raftlite.core.sql.SqlLexer;
import io.raftlite.core.sql.SqlPolicy;
import io.raftlite.core.sql.SqlToken;
import io.raftlite.core.sql.StatementSplitter;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies log entries on the single write connection, with the entry's {@link EntryContext} made
 * current in {@link DeterministicFunctions} for exactly the duration of the entry, and strong reads on a
 * read-only connection of its own. Every statement is checked against {@link SqlPolicy} again here (a
 * refused one gets the policy's message as its error) and runs within the {@link ApplyBudget}.
 * Deterministic SQL errors become {@link ErrorResult}s; environmental ones throw {@link StorageException}.
 * Apply thread only.
 */
final class LogApplier {

    private final Connection writer;
    private final Connection strongReader;
    private final DeterministicFunctions functions;
    private final ApplyBudget budget;
    private final ChangeCapture changes;

    LogApplier(Connection writer, Connection strongReader, DeterministicFunctions functions, ApplyBudget budget)
            throws SQLException {
        this.writer = writer;
        this.changes = new ChangeCapture(writer);
        this.strongReader = strongReader;
        this.functions = functions;
        this.budget = budget;
        try (java.sql.Statement s = writer.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS " + COUNTERS + " (x)");
        }
        // prepared once: they run before every entry (closed with the connection)
        resetRowid = writer.prepareStatement("INSERT OR REPLACE INTO temp." + COUNTERS + "(rowid) VALUES(0)");
        resetChanges = writer.prepareStatement("UPDATE temp." + COUNTERS + " SET x = x WHERE 0");
    }

    private final PreparedStatement resetRowid;
    private final PreparedStatement resetChanges;

    /** A temp (connection-private, never dumped or copied) table used to reset the connection's counters. */
    private static final String COUNTERS = "raftlite_counters";

    /**
     * Sets {@code last_insert_rowid()} and {@code changes()} to 0, as on a freshly opened connection,
     * so an entry sees the same values whether the node has run for days or just restarted and
     * replayed from a snapshot.
     */
    private void resetConnectionCounters() {
        try {
            resetRowid.execute();
            resetChanges.execute();
        } catch (SQLException e) {
            throw new StorageException("write connection failed resetting its counters: " + SqliteFailure.message(e), e);
        }
    }

    List<StatementResult> apply(List<Statement> statements, boolean transaction, boolean readOnly, EntryContext ctx) {
        if (readOnly) {
            return strongRead(statements, transaction);
        }
        functions.begin(ctx);
        try {
            resetConnectionCounters();
            changes.beginEntry();
            try {
                return transaction ? inTransaction(statements) : oneByOne(statements);
            } finally {
                if (mentions(statements, "begin") || mentions(statements, "savepoint")) {
                    commitLeftOpenTransaction();
                }
                if (mentions(statements, "pragma")) {
                    SqlPolicy.connectionPragmaDefaults().forEach(this::exec);
                }
            }
        } finally {
            functions.end();
        }
    }

    /**
     * A read through the log (level=strong): on a connection opened SQLITE_OPEN_READONLY, so no statement,
     * whatever pragma it tries, can change the database; within the same budgets as writes, since every
     * replica runs it on its apply thread.
     */
    private List<StatementResult> strongRead(List<Statement> statements, boolean transaction) {
        List<StatementResult> results = new ArrayList<>(statements.size());
        // one deterministic result budget for the whole read: its results travel back in the Raft reply
        ResultBudget resultBudget = ResultBudget.of(ResultBudget.APPLY_MAX_RESULT_BYTES);
        execOn(strongReader, transaction ? "BEGIN" : null);
        try {
            for (Statement statement : statements) {
                Optional<String> refused = SqlPolicy.refusal(statement.sql());
                budget.startStatement();
                List<StatementResult> r = refused.isPresent() ? List.of(new ErrorResult(refused.get()))
                        : QueryRunner.query(strongReader, List.of(statement), false, null, resultBudget, null);
                for (StatementResult one : r) {
                    results.add(one instanceof ErrorResult && budget.stepsExceeded()
                            ? new ErrorResult(budget.stepsMessage()) : one);
                }
            }
            return results;
        } finally {
            // also ends a transaction the client's own BEGIN or SAVEPOINT opened: it would pin an old snapshot
            boolean mayBeOpen = transaction || mentions(statements, "begin") || mentions(statements, "savepoint");
            execOn(strongReader, mayBeOpen ? "ROLLBACK" : null);
        }
    }

    private static void execOn(Connection conn, String sql) {
        if (sql == null) {
            return;
        }
        try (java.sql.Statement s = conn.createStatement()) {
            s.execute(sql);
        } catch (SQLException ignored) {
            // BEGIN/ROLLBACK of a read transaction: a failure leaves nothing to undo
        }
    }

    private List<StatementResult> oneByOne(List<Statement> statements) {
        List<StatementResult> results = new ArrayList<>(statements.size());
        for (Statement statement : statements) {
            StatementResult r = runOne(statement);
            if (r != null) {
                results.add(r);
            }
        }
        return results;
    }

    private List<StatementResult> inTransaction(List<Statement> statements) {
        List<StatementResult> results = new ArrayList<>(statements.size());
        exec("BEGIN");
        boolean done = false;
        try {
            for (Statement statement : statements) {
                StatementResult r = runOne(statement);
                if (r == null) {
                    continue;
                }
                results.add(r);
                if (r instanceof ErrorResult) {
                    return results;
                }
            }
            // A client's own COMMIT/ROLLBACK may have ended the transaction already: that error is expected.
            execStatementError("COMMIT");
            done = true;
            return results;
        } finally {
            if (!done) {
                rollbackQuietly();
            }
        }
    }

    private StatementResult runOne(Statement statement) {
        long start = System.nanoTime();
        Optional<String> refused = SqlPolicy.refusal(statement.sql());
        if (refused.isPresent()) {
            return new ErrorResult(refused.get(), StatementRunner.seconds(start));
        }
        budget.startStatement();
        try {
            ChangeCapture.Mark mark = changes.beforeStatement();
            StatementResult result = StatementRunner.run(writer, statement);
            if (!(result instanceof ErrorResult)) {
                changes.afterStatement(mark, statement.sql());
            }
            return result;
        } catch (SQLException e) {
            return new ErrorResult(deterministicMessage(e, "applying a statement"), StatementRunner.seconds(start));
        }
    }

    /** The error a statement's failure gives on every replica; throws when the failure is environmental. */
    private String deterministicMessage(SQLException e, String doing) {
        String budgetError = budget.budgetError(e);
        if (budgetError != null) {
            return budgetError;
        }
        if (SqliteFailure.isEnvironmental(e, false)) {
            throw new StorageException("storage failure " + doing + ": " + SqliteFailure.message(e), e);
        }
        return SqliteFailure.message(e);
    }

    /** {@link #loadSqlResult}'s error, or null when the dump committed. */
    String loadSql(String sqlText, EntryContext ctx) {
        return loadSqlResult(sqlText, ctx) instanceof ErrorResult e ? e.error() : null;
    }

    /**
     * Runs a SQL dump all-or-nothing in one transaction; its own BEGIN/COMMIT/END lines are skipped. As rqlite
     * runs a dump (the whole text as one statement with rollback on error), the outcome is one result: the
     * first failing statement's error (after rolling back), or the connection's {@code last_insert_rowid()}
     * and {@code changes()} after the last statement.
     */
    StatementResult loadSqlResult(String sqlText, EntryContext ctx) {
        long start = System.nanoTime();
        // both passes lex one statement at a time: a dump's statements are never all held at once
        Optional<String> refused = SqlPolicy.refusal(sqlText);
        if (refused.isPresent()) {
            return new ErrorResult(refused.get(), StatementRunner.seconds(start));
        }
        functions.begin(ctx);
        resetConnectionCounters();
        exec("BEGIN");
        boolean done = false;
        try {
            for (String part : StatementSplitter.each(sqlText)) {
                if (isTransactionControl(part)) {
                    continue;
                }
                String error = execStatementError(part);
                if (error != null) {
                    return new ErrorResult(error, StatementRunner.seconds(start));
                }
            }
            changes.markAll(false); // a dump may touch any table: counted only if it commits
            ExecuteResult counters = counters(start);
            String commitError = execStatementError("COMMIT");
            done = commitError == null;
            return done ? counters : new ErrorResult(commitError, StatementRunner.seconds(start));
        } finally {
            if (!done) {
                rollbackQuietly();
            }
            SqlPolicy.connectionPragmaDefaults().forEach(this::exec); // a dump may set foreign_keys
            functions.end();
        }
    }

    private ExecuteResult counters(long start) {
        try {
            ExecuteResult r = StatementRunner.executeResult(writer, start);
            return new ExecuteResult(r.lastInsertId(), r.rowsAffected(), StatementRunner.seconds(start));
        } catch (SQLException e) {
            throw new StorageException("write connection failed reading its counters: " + SqliteFailure.message(e), e);
        }
    }

    /** The tables committed since the last call (the apply thread calls it after each entry). */
    TableChanges takeChanges() {
        if (!changes.needsTableList()) {
            return changes.take(Set.of());
        }
        Set<String> tables = new TreeSet<>();
        try (java.sql.Statement s = writer.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT name FROM main.sqlite_schema WHERE type = 'table'")) {
            while (rs.next()) {
                if (ChangeCapture.isUserTable(rs.getString(1))) {
                    tables.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new StorageException("write connection failed listing tables: " + SqliteFailure.message(e), e);
        }
        return changes.take(tables);
    }

    /** Counts every table as changed (the live file was just swapped). */
    void markAllChanged() {
        changes.markAll(true);
    }

    private static boolean isTransactionControl(String sql) {
        SqlToken first = SqlLexer.first(sql);
        return first != null && (first.isKeyword("BEGIN") || first.isKeyword("COMMIT") || first.isKeyword("END"));
    }

    /** Runs one SQL statement; returns null, or its deterministic error message. */
    private String execStatementError(String sql) {
        budget.startStatement();
        try (java.sql.Statement s = writer.createStatement()) {
            s.execute(sql);
            return null;
        } catch (SQLException e) {
            return deterministicMessage(e, "loading SQL");
        }
    }

    /**
     * Conservative test on raw text: only a statement mentioning BEGIN or SAVEPOINT can leave a transaction
     * open, and only one mentioning PRAGMA can set a connection-scoped pragma. Compared in place, char by char
     * ignoring case (SQLite's keywords are ASCII): lower-casing a copy of each statement three times per entry
     * was a visible share of the apply thread's allocations (issue 16).
     */
    private static boolean mentions(List<Statement> statements, String word) {
        for (Statement statement : statements) {
            if (containsIgnoreCase(statement.sql(), word)) {
                return true;
            }
        }
        return false;
    }

    static boolean containsIgnoreCase(String text, String word) {
        for (int i = 0, last = text.length() - word.length(); i <= last; i++) {
            if (text.regionMatches(true, i, word, 0, word.length())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Commits a transaction a client's explicit BEGIN left open, so every entry ends committed and a
     * snapshot never misses (or a restart never replays differently) half of a client transaction.
     * When none is open SQLite answers "no transaction is active", which is ignored.
     */
    private void commitLeftOpenTransaction() {
        execStatementError("COMMIT");
    }

    private void rollbackQuietly() {
        try (java.sql.Statement s = writer.createStatement()) {
            s.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction was open (SQLite already rolled back), nothing to undo
        }
    }

    private void exec(String sql) {
        try (java.sql.Statement s = writer.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new StorageException("write connection failed on " + sql + ": " + SqliteFailure.message(e), e);
        }
    }
}

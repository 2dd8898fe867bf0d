package io.raftlite.core.db;

import io.raftlite.core.command.ErrorResult;
import io.raftlite.core.command.ExecuteResult;
import io.raftlite.core.command.QueryResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import io.raftlite.core.sql.StatementSplitter;
import org.sqlite.core.CoreStatement;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Runs one client {@link Statement} on a JDBC connection and turns the outcome into a
 * {@link StatementResult}. SQLite errors are thrown as {@link SQLException} so the caller decides
 * between a statement error and a storage failure; what the statement itself got wrong (parameter
 * count, parameters with several statements) comes back as an {@link ErrorResult}.
 */
final class StatementRunner {

    static final String MULTI_WITH_PARAMETERS = "parameters are allowed only with a single statement per string";

    private StatementRunner() {
    }

    /**
     * The result of {@code statement}, or null when it holds no SQL (skipped, as rqlite skips an
     * empty string). Several {@code ;}-separated statements run in order and give the last one's result.
     */
    static StatementResult run(Connection conn, Statement statement) throws SQLException {
        return run(conn, statement, ResultBudget.of(ResultBudget.APPLY_MAX_RESULT_BYTES));
    }

    /**
     * As {@link #run(Connection, Statement)}, with the rows charged to {@code budget}: a statement whose
     * rows would exceed it gets an {@link ErrorResult} ({@link ResultBudget#tooLargeMessage()}) and holds nothing.
     */
    static StatementResult run(Connection conn, Statement statement, ResultBudget budget) throws SQLException {
        long start = System.nanoTime();
        // one statement's tokens at a time: a text of many ';'-separated statements is never split whole
        Iterator<String> parts = StatementSplitter.each(statement.sql()).iterator();
        if (!parts.hasNext()) {
            return null;
        }
        String first = parts.next();
        if (!parts.hasNext()) {
            return runSingle(conn, statement.sql(), statement, start, budget);
        }
        if (statement.hasParameters()) {
            return new ErrorResult(MULTI_WITH_PARAMETERS, seconds(start));
        }
        long mark = budget.used();
        StatementResult last = runSingle(conn, first, statement, start, budget);
        while (!(last instanceof ErrorResult) && parts.hasNext()) {
            budget.rollbackTo(mark); // only the last part's result is kept, as in rqlite
            last = runSingle(conn, parts.next(), statement, start, budget);
        }
        return last;
    }

    private static StatementResult runSingle(Connection conn, String sql, Statement statement, long start,
                                             ResultBudget budget) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            String bindError = ParameterBinder.bind(ps, sql, statement);
            if (bindError != null) {
                return new ErrorResult(bindError, seconds(start));
            }
            if (ps.execute()) {
                try (ResultSet rs = ps.getResultSet()) {
                    return readRows(ps, rs, start, budget);
                }
            }
        }
        return executeResult(conn, start);
    }

    /** rqlite's counters for what last ran on {@code conn}: {@code last_insert_rowid()} and {@code changes()}. */
    static ExecuteResult executeResult(Connection conn, long start) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT last_insert_rowid(), changes()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new ExecuteResult(rs.getLong(1), rs.getLong(2), seconds(start));
        }
    }

    private static StatementResult readRows(PreparedStatement ps, ResultSet rs, long start, ResultBudget budget)
            throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        int n = meta.getColumnCount();
        List<String> columns = new ArrayList<>(n);
        String[] types = new String[n];
        for (int i = 0; i < n; i++) {
            columns.add(meta.getColumnLabel(i + 1));
            types[i] = declaredType(ps, i);
        }
        List<List<Object>> rows = new ArrayList<>();
        long mark = budget.used();
        long header = ResultBudget.RESULT_OVERHEAD;
        for (int i = 0; i < n; i++) {
            header += ResultBudget.cost(columns.get(i)) + ResultBudget.cost(types[i]);
        }
        if (!budget.tryCharge(header)) {
            return new ErrorResult(budget.tooLargeMessage(), seconds(start));
        }
        while (rs.next()) {
            List<Object> row = new ArrayList<>(n);
            long cost = ResultBudget.rowCost(n);
            for (int i = 0; i < n; i++) {
                Object v = rs.getObject(i + 1);
                cost += ResultBudget.cost(v);
                row.add(v instanceof Integer small ? Long.valueOf(small) : v);
            }
            if (!budget.tryCharge(cost)) {
                budget.rollbackTo(mark);
                return new ErrorResult(budget.tooLargeMessage(), seconds(start));
            }
            if (rows.isEmpty()) {
                fillEmptyTypes(types, row);
            }
            rows.add(row);
        }
        return new QueryResult(columns, List.of(types), rows, seconds(start));
    }

    /** The lower-cased declared type of result column {@code col} (0-based), "" for an expression. */
    private static String declaredType(PreparedStatement ps, int col) throws SQLException {
        String decl = ((CoreStatement) ps).pointer.safeRun((db, ptr) -> db.column_decltype(ptr, col));
        return decl == null ? "" : decl.toLowerCase(Locale.ROOT);
    }

    /** As rqlite does: a column without a declared type takes the storage class of its first-row value. */
    private static void fillEmptyTypes(String[] types, List<Object> firstRow) {
        for (int i = 0; i < types.length; i++) {
            if (types[i].isEmpty()) {
                Object v = firstRow.get(i);
                types[i] = v instanceof Long ? "integer" : v instanceof Double ? "real"
                        : v instanceof String ? "text" : v instanceof byte[] ? "blob" : "";
            }
        }
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}

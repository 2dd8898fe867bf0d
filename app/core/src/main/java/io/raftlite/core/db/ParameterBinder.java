package io.raftlite.core.db;

import io.raftlite.core.command.Statement;
import io.raftlite.core.sql.SqlLexer;
import io.raftlite.core.sql.SqlToken;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.Map;

/**
 * Binds a statement's parameters. Positional values go to indexes 1..n; a named value {@code "x"}
 * goes to every parameter {@code :x}, {@code @x} or {@code $x} the SQL uses, at the index SQLite
 * gives it (found with {@link SqlLexer}, since sqlite-jdbc does not expose parameter names).
 * Like rqlite (Go's database/sql), the number of values must equal the number of parameters.
 */
final class ParameterBinder {

    private ParameterBinder() {
    }

    /** Binds and returns null, or returns the error to report for this statement. */
    static String bind(PreparedStatement ps, String sql, Statement statement) throws SQLException {
        int expected = ps.getParameterMetaData().getParameterCount();
        Map<String, Integer> names = namedIndexes(sql);
        int given = statement.named().isEmpty() ? statement.positional().size() : statement.named().size();
        if (given != expected) {
            return "sql: expected " + expected + " arguments, got " + given;
        }
        if (statement.named().isEmpty()) {
            for (int i = 0; i < given; i++) {
                set(ps, i + 1, statement.positional().get(i));
            }
            return null;
        }
        for (Map.Entry<String, Integer> param : names.entrySet()) {
            String key = param.getKey().substring(1);
            if (!statement.named().containsKey(key)) {
                return "missing named parameter: " + key;
            }
            set(ps, param.getValue(), statement.named().get(key));
        }
        return null;
    }

    /** Named parameters (with prefix) to their SQLite index, numbering as sqlite3_bind_parameter_index does. */
    static Map<String, Integer> namedIndexes(String sql) {
        Map<String, Integer> names = new HashMap<>();
        int last = 0;
        for (SqlToken t : SqlLexer.each(sql)) { // one token at a time: a statement may hold a million
            if (t.kind() != SqlToken.Kind.PARAM) {
                continue;
            }
            String text = t.text();
            if (text.equals("?")) {
                last++;
            } else if (text.startsWith("?")) {
                last = Math.max(last, Integer.parseInt(text.substring(1)));
            } else if (!names.containsKey(text)) {
                names.put(text, ++last);
            }
        }
        return names;
    }

    private static void set(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.NULL);
        } else if (value instanceof Boolean b) {
            ps.setLong(index, b ? 1 : 0);
        } else if (value instanceof Long || value instanceof Integer) {
            ps.setLong(index, ((Number) value).longValue());
        } else if (value instanceof Double d) {
            ps.setDouble(index, d);
        } else if (value instanceof String s) {
            ps.setString(index, s);
        } else if (value instanceof byte[] bytes) {
            ps.setBytes(index, bytes);
        } else {
            throw new IllegalArgumentException("unsupported parameter type " + value.getClass().getName());
        }
    }
}

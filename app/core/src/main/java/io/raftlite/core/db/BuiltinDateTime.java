package io.raftlite.core.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SQLite's real date and time functions, reached through a private in-memory connection that has no
 * overrides. The deterministic overrides on the write connection compute their result here after
 * replacing {@code 'now'}, so formatting and modifiers are exactly SQLite's. Confined to the apply
 * thread, but synchronized so a misuse cannot corrupt the cached statements.
 */
final class BuiltinDateTime implements AutoCloseable {

    private final Connection memory;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();

    BuiltinDateTime() {
        try {
            memory = DriverManager.getConnection("jdbc:sqlite::memory:");
        } catch (SQLException e) {
            throw new StorageException("cannot open in-memory SQLite for date functions", e);
        }
    }

    /** Evaluates {@code function(args...)} with the built-in; values are null, Long, Double, String or byte[]. */
    synchronized Object call(String function, List<Object> args) throws SQLException {
        String key = function + "/" + args.size();
        PreparedStatement ps = prepared.get(key);
        if (ps == null) {
            ps = memory.prepareStatement("SELECT " + function + "(" + placeholders(args.size()) + ")");
            prepared.put(key, ps);
        }
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            Object value = rs.getObject(1);
            return value instanceof Integer n ? Long.valueOf(n) : value;
        }
    }

    private static String placeholders(int n) {
        return String.join(",", java.util.Collections.nCopies(n, "?"));
    }

    @Override
    public synchronized void close() {
        try {
            memory.close();
        } catch (SQLException ignored) {
            // nothing to release beyond memory
        }
    }
}

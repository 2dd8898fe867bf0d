package io.raftlite.core.sql;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Remembers a pure function of a SQL string (its split into statements, the policy's verdict), because
 * applications send the same few statements over and over and lexing them was a visible part of a read's
 * CPU in the benchmark's profile. Bounded: at most {@value #MAX_ENTRIES} strings of at most
 * {@value #MAX_SQL_CHARS} characters; when full it starts over, which costs one lexing per string.
 * Thread-safe; values must be immutable.
 */
final class SqlCache<V> {

    static final int MAX_ENTRIES = 1024;
    static final int MAX_SQL_CHARS = 4096;

    private final Map<String, V> values = new ConcurrentHashMap<>();
    private final Function<String, V> compute;

    SqlCache(Function<String, V> compute) {
        this.compute = compute;
    }

    V get(String sql) {
        if (sql.length() > MAX_SQL_CHARS) {
            return compute.apply(sql);
        }
        V v = values.get(sql);
        if (v == null) {
            v = compute.apply(sql);
            if (values.size() >= MAX_ENTRIES) {
                values.clear();
            }
            values.put(sql, v);
        }
        return v;
    }

    int size() {
        return values.size();
    }
}

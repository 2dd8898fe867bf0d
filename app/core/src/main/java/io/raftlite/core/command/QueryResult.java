package io.raftlite.core.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A statement that returned rows. {@code types} are the lower-cased declared column types (rqlite's
 * {@code types}); row values are {@code null}, {@link Long}, {@link Double}, {@link String} or
 * {@code byte[]}.
 */
public record QueryResult(List<String> columns, List<String> types, List<List<Object>> rows, double timeSeconds)
        implements StatementResult {

    public QueryResult {
        columns = List.copyOf(columns);
        types = List.copyOf(types);
        List<List<Object>> copy = new ArrayList<>(rows.size());
        for (List<Object> row : rows) {
            copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = Collections.unmodifiableList(copy);
    }
}

package io.raftlite.core.api;

import io.raftlite.core.command.ErrorResult;
import io.raftlite.core.command.ExecuteResult;
import io.raftlite.core.command.QueryResult;
import io.raftlite.core.command.StatementResult;
import io.raftlite.core.json.Json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * rqlite's response JSON ({@code rqlite:http/service.go} {@code Response}, {@code rqlite:command/encoding/json.go}),
 * reproduced key by key: Go's struct field order, Go's {@code omitempty} (zero numbers, empty strings and
 * empty lists are left out), Go's sorted map keys where rqlite uses a map (associative rows and types).
 */
public final class ResponseWriter {

    private ResponseWriter() {
    }

    /** rqlite's JSON for a response, byte-for-byte where rqlite's docs show it. */
    public static byte[] write(Response response, RenderOptions options) {
        return Json.writeUtf8(tree(response, options), options.pretty());
    }

    /** The response as maps and lists in rqlite's key order, ready for {@link Json#write}. */
    static Map<String, Object> tree(Response response, RenderOptions options) {
        Iterable<Object> results = mapped(response.results(), result -> result(result, options));
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("results", results);
        if (response.error() != null && !response.error().isEmpty()) {
            top.put("error", response.error());
        }
        if (options.timings() && response.timeSeconds() != null) {
            putTime(top, response.timeSeconds());
        }
        if (response.sequenceNumber() != null && response.sequenceNumber() != 0) {
            top.put("sequence_number", response.sequenceNumber());
        }
        if (response.raftIndex() != null && response.raftIndex() != 0) {
            top.put("raft_index", response.raftIndex());
        }
        return top;
    }

    private static Map<String, Object> result(StatementResult result, RenderOptions options) {
        if (result instanceof ExecuteResult e) {
            return execute(e, options);
        }
        if (result instanceof QueryResult q) {
            return options.associative() ? associativeRows(q, options) : rows(q, options);
        }
        return error((ErrorResult) result, options);
    }

    /** {@code Result}: last_insert_id, rows_affected, time; {@code ResultWithRows} adds {@code "rows":null}. */
    private static Map<String, Object> execute(ExecuteResult e, RenderOptions options) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (e.lastInsertId() != 0) {
            m.put("last_insert_id", e.lastInsertId());
        }
        if (e.rowsAffected() != 0) {
            m.put("rows_affected", e.rowsAffected());
        }
        if (options.timings()) {
            putTime(m, e.timeSeconds());
        }
        if (options.unified() && options.associative()) {
            m.put("rows", null);
        }
        return m;
    }

    /** {@code Rows}: columns, types, values, time, each left out when empty. */
    private static Map<String, Object> rows(QueryResult q, RenderOptions options) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!q.columns().isEmpty()) {
            m.put("columns", q.columns());
        }
        if (!q.types().isEmpty()) {
            m.put("types", q.types());
        }
        if (!q.rows().isEmpty()) {
            m.put("values", options.blobArray() ? mapped(q.rows(), ResponseWriter::blobsAsArrays) : q.rows());
        }
        if (options.timings()) {
            putTime(m, q.timeSeconds());
        }
        return m;
    }

    /**
     * {@code AssociativeRows}: types as a column-to-type map (left out when empty), rows as column-to-value
     * maps (always present). Both are Go maps, so keys are sorted and a repeated column name keeps its last
     * value.
     */
    private static Map<String, Object> associativeRows(QueryResult q, RenderOptions options) {
        Map<String, Object> types = new TreeMap<>(Json.GO_MAP_KEY_ORDER);
        for (int i = 0; i < q.columns().size() && i < q.types().size(); i++) {
            types.put(q.columns().get(i), q.types().get(i));
        }
        Iterable<Object> rows = mapped(q.rows(), row -> {
            Map<String, Object> byColumn = new TreeMap<>(Json.GO_MAP_KEY_ORDER);
            for (int i = 0; i < q.columns().size() && i < row.size(); i++) {
                byColumn.put(q.columns().get(i), value(row.get(i), options));
            }
            return byColumn;
        });
        Map<String, Object> m = new LinkedHashMap<>();
        if (!types.isEmpty()) {
            m.put("types", types);
        }
        m.put("rows", rows);
        if (options.timings()) {
            putTime(m, q.timeSeconds());
        }
        return m;
    }

    /**
     * On {@code /db/request} rqlite renders a failed statement as {@code map[string]string{"error": ..}}, so
     * never with a time; elsewhere the error sits in a {@code Result}/{@code Rows}, followed by its time.
     */
    private static Map<String, Object> error(ErrorResult e, RenderOptions options) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", e.error());
        if (options.timings() && !options.unified()) {
            putTime(m, e.timeSeconds());
        }
        return m;
    }

    /**
     * A view of {@code items} that maps each one when the JSON writer reaches it: only one statement's (or row's)
     * maps exist at a time, instead of a tree as large as the whole response (about 300 heap bytes per
     * statement of a many-statement request, which is what exhausted the shipped 64 MiB heap).
     */
    private static <T> Iterable<Object> mapped(List<T> items, Function<T, Object> f) {
        return () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < items.size();
            }

            @Override
            public Object next() {
                if (next >= items.size()) {
                    throw new NoSuchElementException();
                }
                return f.apply(items.get(next++));
            }
        };
    }

    private static List<Object> blobsAsArrays(List<Object> row) {
        List<Object> out = new ArrayList<>(row.size());
        for (Object v : row) {
            out.add(asArray(v));
        }
        return out;
    }

    private static Object value(Object v, RenderOptions options) {
        return options.blobArray() ? asArray(v) : v;
    }

    /** With {@code blob_array}, a BLOB is an array of its byte values (0-255) instead of base64. */
    private static Object asArray(Object v) {
        if (!(v instanceof byte[] bytes)) {
            return v;
        }
        // a view, not a copy: a list of boxed bytes would take ~12 heap bytes per blob byte before rendering
        return new java.util.AbstractList<Integer>() {
            @Override
            public Integer get(int i) {
                return bytes[i] & 0xFF;
            }

            @Override
            public int size() {
                return bytes.length;
            }
        };
    }

    /** Go's {@code time,omitempty}: a zero time is left out. */
    private static void putTime(Map<String, Object> m, double seconds) {
        if (seconds != 0) {
            m.put("time", seconds);
        }
    }
}

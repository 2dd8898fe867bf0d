package io.raftlite.server.cli;

import io.raftlite.core.json.Json;
import io.raftlite.core.json.JsonException;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prints a {@code /db/query}, {@code /db/execute} or {@code /db/load} answer: rows as a bordered table (rqlite's
 * shell look), writes as "N rows affected", failed statements as {@code error: ...} on stderr; or, with
 * {@code -json}, the node's JSON as it came. Either way the exit code says whether any statement failed.
 */
final class ResultTable {

    private ResultTable() {
    }

    /** Prints {@code body} and returns {@link Exit#OK} or {@link Exit#SQL_ERROR}. */
    static int print(byte[] body, boolean json, PrintStream out, PrintStream err) throws CliException {
        Map<?, ?> root = parse(body);
        if (json) {
            out.println(new String(body, StandardCharsets.UTF_8).strip());
        }
        int code = Exit.OK;
        if (root.get("error") != null) {
            if (!json) {
                err.println("error: " + root.get("error"));
            }
            code = Exit.SQL_ERROR;
        }
        if (!(root.get("results") instanceof List<?> results)) {
            return code;
        }
        for (Object r : results) {
            Map<?, ?> result = r instanceof Map<?, ?> m ? m : Map.of();
            if (result.get("error") != null) {
                code = Exit.SQL_ERROR;
                if (!json) {
                    err.println("error: " + result.get("error"));
                }
            } else if (!json) {
                printOne(result, out);
            }
        }
        return code;
    }

    static Map<?, ?> parse(byte[] body) throws CliException {
        try {
            if (Json.parse(body) instanceof Map<?, ?> map) {
                return map;
            }
        } catch (JsonException e) {
            throw new CliException(Exit.UNREACHABLE, "the node's answer is not JSON: " + e.getMessage());
        }
        throw new CliException(Exit.UNREACHABLE, "the node's answer is not a JSON object");
    }

    private static void printOne(Map<?, ?> result, PrintStream out) {
        if (result.get("columns") instanceof List<?> columns) {
            List<?> values = result.get("values") instanceof List<?> v ? v : List.of();
            table(columns, values, out);
        } else if (result.get("rows_affected") != null) {
            long n = result.get("rows_affected") instanceof Number num ? num.longValue() : 0;
            Object id = result.get("last_insert_id");
            out.println(n + (n == 1 ? " row" : " rows") + " affected"
                    + (id instanceof Number i && i.longValue() != 0 && n > 0 ? " (last insert id " + i + ")" : ""));
        }
    }

    /** rqlite's shell table: a border, the column names, a border, the rows, a border. */
    static void table(List<?> columns, List<?> rows, PrintStream out) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(columns.stream().map(ResultTable::cell).toList());
        for (Object row : rows) {
            cells.add(row instanceof List<?> l ? l.stream().map(ResultTable::cell).toList() : List.of());
        }
        int[] width = new int[columns.size()];
        for (List<String> row : cells) {
            for (int i = 0; i < Math.min(width.length, row.size()); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        StringBuilder border = new StringBuilder("+");
        for (int w : width) {
            border.append("-".repeat(w + 2)).append('+');
        }
        out.println(border);
        for (int r = 0; r < cells.size(); r++) {
            StringBuilder line = new StringBuilder("|");
            for (int i = 0; i < width.length; i++) {
                String c = i < cells.get(r).size() ? cells.get(r).get(i) : "";
                line.append(' ').append(c).append(" ".repeat(width[i] - c.length())).append(" |");
            }
            out.println(line);
            if (r == 0) {
                out.println(border);
            }
        }
        out.println(border);
    }

    /** A value as text: strings as they are, NULL as nothing (as in rqlite's shell), numbers as the node wrote them. */
    static String cell(Object v) {
        if (v == null) {
            return "";
        }
        return v instanceof String s ? s : Json.write(v, false);
    }
}

package io.raftlite.server.cli;

import io.raftlite.core.json.Json;
import io.raftlite.core.json.JsonException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code raftlite query SQL [params...]} and {@code raftlite exec SQL [params...]}: one statement, positional parameters. */
final class SqlCommand {

    private SqlCommand() {
    }

    static int run(String command, CliArgs args, CliIo io) throws CliException {
        args.only(command, Set.of());
        if (args.positional().isEmpty()) {
            throw new CliException(Exit.USAGE, command + " needs SQL: raftlite " + command + " 'SQL' [params...]");
        }
        NodeClient node = NodeClient.from(args, io);
        String path = command.equals("query") ? "/db/query" : "/db/execute";
        return run(node, path, args.positional().get(0), args.positional().subList(1, args.positional().size()),
                args.has("json"), io);
    }

    static int run(NodeClient node, String path, String sql, List<String> params, boolean json, CliIo io)
            throws CliException {
        byte[] body = node.send("POST", path, "application/json", body(sql, params));
        return ResultTable.print(body, json, io.out(), io.err());
    }

    /** {@code [["SQL", p1, ...]]}, rqlite's parameterized form. */
    static byte[] body(String sql, List<String> params) {
        List<Object> statement = new ArrayList<>();
        statement.add(sql);
        params.forEach(p -> statement.add(param(p)));
        return Json.write(List.of(statement), false).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A parameter word: a JSON number, {@code true}, {@code false}, {@code null} or a quoted JSON string is that
     * value; any other word is the string as written ({@code '"42"'} passes the text 42).
     */
    static Object param(String word) {
        try {
            Object v = Json.parse(word.getBytes(StandardCharsets.UTF_8));
            if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) {
                return v;
            }
        } catch (JsonException notJson) {
            // a plain word
        }
        return word;
    }
}

package io.raftlite.server.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code raftlite status}: the node's {@code /status}, as a short summary or (with {@code -json}) whole. */
final class StatusCommand {

    private StatusCommand() {
    }

    static int run(CliArgs args, CliIo io) throws CliException {
        args.only("status", Set.of());
        if (!args.positional().isEmpty()) {
            throw new CliException(Exit.USAGE, "status takes no arguments");
        }
        return run(NodeClient.from(args, io), args.has("json"), io.out());
    }

    static int run(NodeClient node, boolean json, PrintStream out) throws CliException {
        byte[] body = node.send("GET", "/status", null, null);
        if (json) {
            out.println(new String(body, StandardCharsets.UTF_8).strip());
            return Exit.OK;
        }
        summary(ResultTable.parse(body), out);
        return Exit.OK;
    }

    static void summary(Map<?, ?> status, PrintStream out) {
        Map<?, ?> store = map(status, "store");
        Map<?, ?> raft = map(store, "raft");
        Map<?, ?> leader = map(store, "leader");
        Map<?, ?> http = map(status, "http");
        Map<?, ?> tls = map(http, "tls");
        line(out, "node", text(store.get("node_id")) + " (raft " + text(store.get("addr")) + ", api "
                + text(http.get("adv_addr")) + ")");
        line(out, "version", text(map(status, "build").get("version")));
        line(out, "state", text(raft.get("state")) + ", ready " + text(store.get("ready")));
        line(out, "leader", leader.get("node_id") == null || "".equals(leader.get("node_id")) ? "none"
                : text(leader.get("node_id")) + " (" + text(leader.get("addr")) + ")");
        line(out, "term", text(raft.get("term")));
        line(out, "applied index", text(raft.get("applied_index")) + " (commit " + text(raft.get("commit_index"))
                + ", snapshot " + text(raft.get("snapshot_index")) + ")");
        line(out, "database", text(store.get("db_size")) + " bytes in " + text(store.get("dir")));
        line(out, "http", "auth " + text(http.get("auth")) + ", tls "
                + (Boolean.TRUE.equals(tls.get("enabled")) ? "on" : "off"));
        if (store.get("nodes") instanceof List<?> nodes) {
            StringBuilder members = new StringBuilder();
            for (Object n : nodes) {
                Map<?, ?> m = n instanceof Map<?, ?> mm ? mm : Map.of();
                members.append(members.length() == 0 ? "" : ", ").append(text(m.get("id")))
                        .append(Boolean.FALSE.equals(m.get("voter")) ? " (non-voter)" : "");
            }
            line(out, "members", nodes.size() + ": " + members);
        }
    }

    private static void line(PrintStream out, String name, String value) {
        out.printf("%-14s %s%n", name + ":", value);
    }

    private static Map<?, ?> map(Map<?, ?> parent, String key) {
        return parent.get(key) instanceof Map<?, ?> m ? m : Map.of();
    }

    private static String text(Object v) {
        return v == null ? "?" : ResultTable.cell(v);
    }
}

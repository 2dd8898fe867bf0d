package io.raftlite.core.auth;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which permissions an HTTP path needs: rqlite's rules ({@code rqlite:http/service.go}), matched by prefix as
 * rqlite does, whatever the method (a wrong method is refused after the permission check there too).
 * {@code /metrics}, which rqlite does not have, needs {@code status} like rqlite's {@code /debug/vars}.
 */
public final class EndpointPermissions {

    /** Paths in the order they are tried; the first prefix that matches decides. */
    private static final List<Map.Entry<String, Set<String>>> RULES = List.of(
            Map.entry("/db/execute", Set.of(Permission.EXECUTE)),
            Map.entry("/db/query", Set.of(Permission.QUERY)),
            Map.entry("/db/request", Set.of(Permission.QUERY, Permission.EXECUTE)),
            Map.entry("/db/backup", Set.of(Permission.BACKUP)),
            Map.entry("/db/load", Set.of(Permission.LOAD)),
            Map.entry("/db/sql", Set.of(Permission.QUERY)),
            Map.entry("/db/watch", Set.of(Permission.QUERY)), // raftlite's own: a watch tells what changed, as a read
            Map.entry("/boot", Set.of(Permission.LOAD)),
            Map.entry("/snapshot", Set.of(Permission.SNAPSHOT)),
            Map.entry("/reap", Set.of(Permission.SNAPSHOT)),
            Map.entry("/remove", Set.of(Permission.REMOVE)),
            Map.entry("/status", Set.of(Permission.STATUS)),
            Map.entry("/nodes", Set.of(Permission.STATUS)),
            Map.entry("/leader", Set.of(Permission.LEADER_OPS)),
            Map.entry("/readyz", Set.of(Permission.READY)),
            Map.entry("/metrics", Set.of(Permission.STATUS)),
            Map.entry("/debug", Set.of(Permission.STATUS)),
            Map.entry("/licenses", Set.of(Permission.STATUS)),
            Map.entry("/console", Set.of(Permission.UI)));

    private EndpointPermissions() {
    }

    /**
     * The permissions {@code path} needs, all of them; empty for a path no rule names (such a path has no
     * endpoint: it is answered 404 without touching anything).
     */
    public static Set<String> required(String path) {
        for (Map.Entry<String, Set<String>> rule : RULES) {
            if (path.startsWith(rule.getKey())) {
                return rule.getValue();
            }
        }
        return Set.of();
    }
}

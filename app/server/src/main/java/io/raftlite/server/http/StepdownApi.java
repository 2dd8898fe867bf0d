package io.raftlite.server.http;

import io.raftlite.core.api.BadRequestException;
import io.raftlite.core.api.QueryParams;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * rqlite's stepdown, {@code POST /leader}: with body {@code {"id": "<node id>"}} leadership moves to that voter,
 * with an empty body (or {@code {}}) to any other voter. Any node accepts it (the store carries it to the
 * leader over Raft; with {@code redirect} a follower answers 301 to the leader's API); it answers once the new
 * leader leads (rqlite's {@code wait}, always): 200 with an empty body.
 *
 * <p>Failures: a malformed body → 400; an id that is not a voter → 404 {@code node <id> is not a voter}; a
 * cluster with one voter → 400; no leader → 503 {@code leader not found}; not done within {@code timeout}
 * → 503 with the reason.
 */
public final class StepdownApi {

    private final MembershipStore store;

    public StepdownApi(MembershipStore store) {
        this.store = store;
    }

    public Reply stepdown(String uri, Map<String, List<String>> query, byte[] body) {
        return RemoveApi.guarded(() -> {
            QueryParams p = QueryParams.parse(query);
            String id = anyOrId(body);
            if (p.redirect() && !store.isLeader()) {
                return RemoveApi.redirect(store, uri);
            }
            store.stepdown(id, p.timeout().toMillis() > 0 ? p.timeout() : QueryParams.DEFAULT_TIMEOUT);
            return new Reply(200, Reply.TEXT, new byte[0], Map.of());
        });
    }

    /** Null (any other voter) for an empty body or {@code {}}, else the id of {@code {"id": "<node id>"}}. */
    private static String anyOrId(byte[] body) throws BadRequestException {
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8).strip();
        return text.isEmpty() || text.replaceAll("\\s", "").equals("{}") ? null : RemoveApi.nodeId(body);
    }
}

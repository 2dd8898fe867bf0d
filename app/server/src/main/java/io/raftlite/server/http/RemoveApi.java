package io.raftlite.server.http;

import io.raftlite.core.api.BadRequestException;
import io.raftlite.core.api.QueryParams;
import io.raftlite.core.json.Json;
import io.raftlite.core.json.JsonException;
import io.raftlite.core.store.StoreException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * rqlite's {@code DELETE /remove} as plain Java. The body is exactly {@code {"id": "<node id>"}}; any other
 * shape is a plain-text 400. Any node accepts it and the store carries it to the leader over Raft (or, with
 * {@code redirect}, a follower answers 301 to the leader's API). Success is 200 with an empty body.
 *
 * <p>Failures: an id that is not a member → 404 {@code node <id> is not a member} (rqlite's documentation does
 * not say; a 404 tells the operator about the typo); the only voter → 400; no leader
 * → 503 {@code leader not found}; not done within {@code timeout} → 503 with the reason.
 */
public final class RemoveApi {

    private final MembershipStore store;

    public RemoveApi(MembershipStore store) {
        this.store = store;
    }

    public Reply remove(String uri, Map<String, List<String>> query, byte[] body) {
        return guarded(() -> {
            QueryParams p = QueryParams.parse(query);
            String id = nodeId(body);
            if (p.redirect() && !store.isLeader()) {
                return redirect(store, uri);
            }
            store.remove(id, p.timeout().toMillis() > 0 ? p.timeout() : QueryParams.DEFAULT_TIMEOUT);
            return new Reply(200, Reply.TEXT, new byte[0], Map.of());
        });
    }

    /** With {@code redirect} on a follower: 301 to the same path on the leader's API, or 503 without a leader. */
    static Reply redirect(MembershipStore store, String uri) {
        Optional<String> leader = store.leaderApiAddress();
        if (leader.isEmpty()) {
            return Reply.text(503, "leader not found");
        }
        String location = leader.get() + uri;
        return new Reply(301, Reply.TEXT, ("Moved Permanently: " + location + "\n")
                .getBytes(StandardCharsets.UTF_8), Map.of("Location", location));
    }

    /** A membership change that may fail on its input, be interrupted or fail in the store. */
    interface Change {
        Reply run() throws BadRequestException, InterruptedException;
    }

    /** Runs {@code change}; its failures become rqlite-style plain-text replies. */
    static Reply guarded(Change change) {
        try {
            return change.run();
        } catch (BadRequestException e) {
            return Reply.text(e.status(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.text(503, "interrupted");
        } catch (StoreException e) {
            return switch (e.reason()) {
                case NOT_FOUND -> Reply.text(404, e.getMessage());
                case INVALID -> Reply.text(400, e.getMessage());
                case TOO_LARGE -> Reply.text(413, e.getMessage());
                case NO_LEADER, NOT_LEADER -> Reply.text(503, "leader not found");
                case TIMEOUT, UNAVAILABLE -> Reply.text(503, e.getMessage());
            };
        }
    }

    /** The {@code id} of a body that is exactly {@code {"id": "<non-empty string>"}}. */
    static String nodeId(byte[] body) throws BadRequestException {
        if (body == null || body.length == 0) {
            throw new BadRequestException("empty body: expected {\"id\": \"<node id>\"}");
        }
        Object parsed;
        try {
            parsed = Json.parse(body);
        } catch (JsonException e) {
            throw new BadRequestException("invalid JSON body: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map) || map.size() != 1 || !map.containsKey("id")) {
            throw new BadRequestException("body must be exactly {\"id\": \"<node id>\"}");
        }
        if (!(map.get("id") instanceof String id) || id.isEmpty()) {
            throw new BadRequestException("id must be a non-empty string");
        }
        return id;
    }
}

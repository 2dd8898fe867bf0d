package io.raftlite.server.http;

import io.raftlite.core.store.StoreException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code DELETE /remove}: body checks, forwarding choices and error mapping against a fake store. */
class RemoveApiTest {

    private static final class FakeStore implements MembershipStore {
        final List<String> removed = new ArrayList<>();
        boolean leader = true;
        Optional<String> leaderApi = Optional.of("http://127.0.0.9:4001");
        StoreException failure;
        Duration lastTimeout;

        @Override
        public boolean isLeader() {
            return leader;
        }

        @Override
        public Optional<String> leaderApiAddress() {
            return leaderApi;
        }

        @Override
        public void remove(String nodeId, Duration timeout) {
            lastTimeout = timeout;
            if (failure != null) {
                throw failure;
            }
            removed.add(nodeId);
        }

        @Override
        public void stepdown(String nodeId, Duration timeout) {
            throw new UnsupportedOperationException("not used here");
        }
    }

    private final FakeStore store = new FakeStore();
    private final RemoveApi api = new RemoveApi(store);

    private Reply remove(String body, Map<String, List<String>> query) {
        return api.remove("/remove", query, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Reply r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aWellFormedBodyRemovesTheNodeAndAnswersEmpty200() {
        Reply r = remove("{\"id\": \"n3\"}", Map.of("timeout", List.of("5s")));
        assertEquals(200, r.status());
        assertEquals(0, r.body().length);
        assertEquals(List.of("n3"), store.removed);
        assertEquals(Duration.ofSeconds(5), store.lastTimeout);
        remove("{\"id\": \"n4\"}", Map.of());
        assertEquals(Duration.ofSeconds(30), store.lastTimeout, "rqlite's default timeout");
    }

    @Test
    void badBodiesAre400AndRemoveNothing() {
        for (String body : new String[]{null, "", "not json", "[]", "{}", "{\"id\": 3}", "{\"id\": \"\"}",
                "{\"id\": \"n3\", \"extra\": 1}", "{\"ID\": \"n3\"}", "\"n3\""}) {
            Reply r = remove(body, Map.of());
            assertEquals(400, r.status(), String.valueOf(body));
            assertTrue(r.contentType().startsWith("text/plain") && text(r).endsWith("\n"), text(r));
        }
        assertEquals(400, remove("{\"id\": \"n3\"}", Map.of("timeout", List.of("soon"))).status());
        assertTrue(store.removed.isEmpty());
    }

    @Test
    void storeFailuresMapToClearStatuses() {
        store.failure = new StoreException(StoreException.Reason.NOT_FOUND, "node nx is not a member", null);
        Reply unknown = remove("{\"id\": \"nx\"}", Map.of());
        assertEquals(404, unknown.status());
        assertEquals("node nx is not a member\n", text(unknown));
        store.failure = new StoreException(StoreException.Reason.INVALID, "node n1 is the only voter", null);
        assertEquals(400, remove("{\"id\": \"n1\"}", Map.of()).status());
        store.failure = new StoreException(StoreException.Reason.NO_LEADER, "leader not found: x", null);
        Reply noLeader = remove("{\"id\": \"n1\"}", Map.of());
        assertEquals(503, noLeader.status());
        assertEquals("leader not found\n", text(noLeader));
        store.failure = new StoreException(StoreException.Reason.TIMEOUT, "removing n1 timed out", null);
        assertEquals(503, remove("{\"id\": \"n1\"}", Map.of()).status());
    }

    @Test
    void redirectSendsAFollowerToTheLeader() {
        store.leader = false;
        Reply r = api.remove("/remove?redirect", Map.of("redirect", List.of("")),
                "{\"id\": \"n3\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(301, r.status());
        assertEquals("http://127.0.0.9:4001/remove?redirect", r.headers().get("Location"));
        assertTrue(store.removed.isEmpty());
        store.leaderApi = Optional.empty();
        assertEquals(503, remove("{\"id\": \"n3\"}", Map.of("redirect", List.of(""))).status());
        store.leader = true;
        assertEquals(200, remove("{\"id\": \"n3\"}", Map.of("redirect", List.of(""))).status(), "the leader serves it");
    }
}

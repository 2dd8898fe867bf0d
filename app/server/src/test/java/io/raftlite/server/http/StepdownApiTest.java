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

/** {@code POST /leader}: which voter is asked for, and how the store's failures answer. */
class StepdownApiTest {

    private static final class FakeStore implements MembershipStore {
        final List<String> asked = new ArrayList<>();
        StoreException failure;

        boolean leader = true;

        @Override
        public boolean isLeader() {
            return leader;
        }

        @Override
        public Optional<String> leaderApiAddress() {
            return Optional.of("http://127.0.21.9:4001");
        }

        @Override
        public void remove(String nodeId, Duration timeout) {
            throw new UnsupportedOperationException("not used here");
        }

        @Override
        public void stepdown(String nodeId, Duration timeout) {
            if (failure != null) {
                throw failure;
            }
            asked.add(String.valueOf(nodeId));
        }
    }

    private final FakeStore store = new FakeStore();
    private final StepdownApi api = new StepdownApi(store);

    private Reply post(String body) {
        return api.stepdown("/leader", Map.of(), body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anIdNamesTheVoterAndAnEmptyBodyLetsTheStoreChoose() {
        assertEquals(200, post("{\"id\": \"n2\"}").status());
        assertEquals(200, post("").status());
        assertEquals(200, post(null).status());
        assertEquals(200, post(" \n").status());
        assertEquals(200, post("{ }").status());
        assertEquals(List.of("n2", "null", "null", "null", "null"), store.asked);
        assertEquals(0, post("{\"id\": \"n2\"}").body().length, "rqlite answers an empty 200");
    }

    @Test
    void aFollowerAskedToRedirectAnswers301ToTheLeader() {
        store.leader = false;
        Reply r = api.stepdown("/leader?redirect", Map.of("redirect", List.of("")), new byte[0]);
        assertEquals(301, r.status());
        assertEquals("http://127.0.21.9:4001/leader?redirect", r.headers().get("Location"));
        assertEquals(List.of(), store.asked);
    }

    @Test
    void aMalformedBodyIsA400AndNothingIsAsked() {
        assertEquals(400, post("{\"id\":").status());
        assertEquals(400, post("{\"node\": \"n2\"}").status());
        assertEquals(400, post("{\"id\": 2}").status());
        assertEquals(List.of(), store.asked);
    }

    @Test
    void storeFailuresMapToRqliteStyleStatuses() {
        store.failure = new StoreException(StoreException.Reason.NOT_FOUND, "node n9 is not a voter", null);
        assertEquals(404, post("{\"id\": \"n9\"}").status());
        store.failure = new StoreException(StoreException.Reason.INVALID, "no other voter to hand leadership to", null);
        assertEquals(400, post("").status());
        store.failure = new StoreException(StoreException.Reason.NO_LEADER, "x", null);
        Reply r = post("");
        assertEquals(503, r.status());
        assertEquals("leader not found", new String(r.body(), StandardCharsets.UTF_8).strip());
        store.failure = new StoreException(StoreException.Reason.TIMEOUT, "leadership transfer to n2 failed", null);
        assertEquals(503, post("").status());
    }
}

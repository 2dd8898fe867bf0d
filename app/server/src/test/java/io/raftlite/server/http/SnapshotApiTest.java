package io.raftlite.server.http;

import io.raftlite.core.store.StoreException;
import io.raftlite.server.edge.BodyBudget;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SnapshotApiTest {

    /** Answers with {@code index} or throws {@code failure}; remembers the timeout it was given. */
    private static final class FakeStore implements SnapshotStore {
        long index = 7;
        StoreException failure;
        Duration timeout;

        @Override
        public long snapshot(Duration t) {
            timeout = t;
            if (failure != null) {
                throw failure;
            }
            return index;
        }

        @Override
        public int reapSnapshots() {
            if (failure != null) {
                throw failure;
            }
            return 1;
        }
    }

    private static String body(Reply r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void snapshotAnswersLikeRqlite() {
        FakeStore store = new FakeStore();
        SnapshotApi api = new SnapshotApi(store);
        Reply taken = api.snapshot(Map.of("trailing_logs", List.of("100")));
        assertEquals(200, taken.status());
        assertEquals("", body(taken));
        assertEquals(SnapshotApi.DEFAULT_SNAPSHOT_TIMEOUT, store.timeout);
        store.index = -1;
        assertEquals(204, api.snapshot(Map.of("timeout", List.of("2s"))).status());
        assertEquals(Duration.ofSeconds(2), store.timeout);
        assertEquals("trailing_logs is not a valid integer\n", body(api.snapshot(Map.of("trailing_logs", List.of("x")))));
        store.failure = new StoreException(StoreException.Reason.TIMEOUT, "snapshot not done within PT2S", null);
        Reply late = api.snapshot(Map.of());
        assertEquals(503, late.status());
        assertEquals("snapshot not done within PT2S\n", body(late));
    }

    @Test
    void reapAnswersRqlitesJson() {
        FakeStore store = new FakeStore();
        SnapshotApi api = new SnapshotApi(store);
        assertEquals("{\"snapshots_reaped\":1,\"wals_checkpointed\":0}\n", body(api.reap(Map.of())));
        assertEquals(400, api.reap(Map.of("bogus", List.of(""))).status());
        store.failure = new StoreException(StoreException.Reason.UNAVAILABLE, "store is not running", null);
        assertEquals(503, api.reap(Map.of()).status());
    }

    @Test
    void sqlPreviewKeepsTheTextAndNamesRefusals() {
        SqlPreviewApi api = new SqlPreviewApi(new BodyBudget(1 << 20));
        Reply r = api.preview(Map.of("timings", List.of("")), "[\"SELECT random()\", \"ATTACH 'x' AS y\"]"
                .getBytes(StandardCharsets.UTF_8), "application/json", false);
        String json = body(r);
        assertEquals(200, r.status(), json);
        org.junit.jupiter.api.Assertions.assertTrue(json.startsWith("{\"results\":[{\"original\":\"SELECT random()\",\"rewritten\":\"SELECT random()\"},"
                + "{\"original\":\"ATTACH 'x' AS y\",\"error\":\"ATTACH and DETACH are not allowed\"}],\"time\":"), json);
        assertEquals(400, api.preview(Map.of(), "not json".getBytes(StandardCharsets.UTF_8), "application/json", false).status());
        assertEquals("query not specified\n", body(api.preview(Map.of(), null, null, true)));
        Reply tooMany = api.preview(Map.of(), ("[" + "\"SELECT 1\",".repeat(20_000) + "\"SELECT 1\"]")
                .getBytes(StandardCharsets.UTF_8), "application/json", false);
        assertEquals(413, tooMany.status(), "20,001 statements need more than a 1 MiB budget: " + body(tooMany));
    }
}

package io.raftlite.server.http;

import io.raftlite.core.db.TableChanges;
import io.raftlite.core.watch.ChangeLog;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class WatchApiTest {

    private final ChangeLog changes = new ChangeLog(Runnable::run);
    private final WatchApi api = new WatchApi(null, changes, 1);

    private CompletableFuture<Reply> watch(String... pairs) {
        Map<String, List<String>> params = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            params.computeIfAbsent(pairs[i], k -> new java.util.ArrayList<>()).add(pairs[i + 1]);
        }
        return api.watch(params, WatchApi.Connection.NONE);
    }

    private static String text(CompletableFuture<Reply> f) {
        Reply r = f.join();
        return r.status() + " " + new String(r.body(), StandardCharsets.UTF_8).strip();
    }

    @Test
    void badParametersAreRefusedWithTheReason() {
        assertEquals("400 index: not a non-negative integer: -1", text(watch("index", "-1")));
        assertEquals("400 wait: not a duration such as 60s or 2m: soon", text(watch("wait", "soon")));
        assertEquals("400 tables: list at least one table, or leave it out for any table", text(watch("tables", " , ")));
        assertEquals("400 unknown query parameter: tabels", text(watch("tabels", "a")));
        assertEquals("400 freshness_strict requires freshness", text(watch("freshness_strict", "")));
    }

    @Test
    void indexZeroAnswersAtOnceAndTheNextWatcherPastTheCapGets503() {
        changes.applied(4, new TableChanges(Set.of("a", "b"), false));
        assertEquals("200 {\"index\":4,\"tables\":[\"a\"]}", text(watch("tables", "a,z")));
        CompletableFuture<Reply> waiting = watch("tables", "a", "index", "4");
        assertFalse(waiting.isDone());
        Reply refused = watch("index", "4").join();
        assertEquals(503, refused.status());
        assertEquals("1", refused.headers().get("Retry-After"));
        changes.applied(5, new TableChanges(Set.of("a"), false));
        assertEquals("200 {\"index\":5,\"tables\":[\"a\"]}", text(waiting));
    }

    @Test
    void aClientThatGoesAwayFreesItsPlace() {
        changes.applied(4, new TableChanges(Set.of("a"), false));
        Runnable[] close = new Runnable[1];
        boolean[] forgotten = new boolean[1];
        CompletableFuture<Reply> gone = api.watch(Map.of("index", List.of("4")), action -> {
            close[0] = action;
            return () -> forgotten[0] = true;
        });
        assertEquals(503, watch("index", "4").join().status(), "the cap of one is reached");
        close[0].run();
        assertEquals(503, gone.join().status());
        assertEquals(0, changes.watchers());
        assertEquals(true, forgotten[0], "the close listener is removed once the watch ended");
        CompletableFuture<Reply> next = watch("index", "4", "wait", "1ms");
        assertEquals("200 {\"index\":4,\"tables\":[]}", text(next));
    }
}

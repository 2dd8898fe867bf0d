package io.raftlite.server.http;

import io.raftlite.server.edge.BodyBudget;
import io.raftlite.core.api.ReadLevel;
import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.ExecuteResult;
import io.raftlite.core.command.QueryResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import io.raftlite.core.queue.WriteQueue;
import io.raftlite.core.store.StoreException;
import io.raftlite.core.store.StoreStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Routing and error mapping of the data API against a fake store. */
class DataApiTest {

    /** Records which path each request took and answers with canned results. */
    private static final class FakeStore implements DataStore {
        final List<String> calls = new ArrayList<>();
        String role = "LEADER";
        String leader = "n1";
        Duration sinceLeader = Duration.ZERO;
        RuntimeException failure;

        @Override
        public CompletableFuture<CommandResult> submit(Command command) {
            calls.add("submit:" + command.kind() + ":" + command.transaction());
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            List<StatementResult> results = command.kind() == Command.Kind.QUERY ? List.of(row()) : List.of(
                    new ExecuteResult(1, 1, 0));
            return CompletableFuture.completedFuture(new CommandResult(results, null, 42));
        }

        @Override
        public CompletableFuture<List<StatementResult>> read(ReadLevel level, List<Statement> s, boolean tx,
                                                             Duration t) {
            calls.add(level.name().toLowerCase(java.util.Locale.ROOT));
            if (failure != null && level != ReadLevel.NONE) {
                return CompletableFuture.failedFuture(failure);
            }
            return CompletableFuture.completedFuture(List.of(row()));
        }

        @Override
        public Optional<String> leaderApiAddress() {
            return leader == null ? Optional.empty() : Optional.of("http://127.0.0.9:4001");
        }

        @Override
        public StoreStatus status() {
            return new StoreStatus("n1", role, 1, leader, leader == null ? null : "127.0.0.1:4002", 5, 5, 0, 0, "g",
                    leader != null);
        }

        @Override
        public Leadership leadership() {
            return new Leadership(role, leader == null ? null : "LEADER".equals(role) ? Duration.ZERO : sinceLeader);
        }

        private static QueryResult row() {
            return new QueryResult(List.of("v"), List.of("integer"), List.of(List.of(7L)), 0);
        }
    }

    private final FakeStore store = new FakeStore();
    private final WriteQueue queue = new WriteQueue(s -> store.submit(Command.execute(s, false, 0, 0)), 10, 10,
            Duration.ofMillis(5), Duration.ofMillis(5));
    private final DataApi api = new DataApi(store, queue, new BodyBudget(4L << 20));

    @AfterEach
    void closeQueue() {
        queue.close();
    }

    private static Map<String, List<String>> params(String... kv) {
        java.util.LinkedHashMap<String, List<String>> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], List.of(kv[i + 1]));
        }
        return m;
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String body(Reply r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void eachReadLevelTakesItsPath() {
        for (var c : List.of(List.of("none", "none"), List.of("weak", "weak"), List.of("auto", "weak"),
                List.of("linearizable", "linearizable"), List.of("strong", "submit:QUERY:false"))) {
            store.calls.clear();
            Reply r = api.query("/db/query", params("level", c.get(0), "q", "SELECT 7"), null, null, true);
            assertEquals(200, r.status(), body(r));
            assertEquals(List.of(c.get(1)), store.calls, "level " + c.get(0));
            assertEquals("{\"results\":[{\"columns\":[\"v\"],\"types\":[\"integer\"],\"values\":[[7]]}]}", body(r));
        }
    }

    @Test
    void aSaturatedNodeAnswers503WithRetryAfter() {
        store.failure = new io.raftlite.core.db.ReadBusyException("server busy: no read connection free within PT2S");
        Reply r = api.query("/db/query", params("q", "SELECT 1"), null, null, true);
        assertEquals(503, r.status());
        assertEquals("1", r.headers().get("Retry-After"));
        assertEquals("server busy: no read connection free within PT2S\n", body(r));
    }

    @Test
    void withoutALeaderWritesAndLeaderReadsAre503ButLocalReadsAnswer() {
        store.role = "FOLLOWER";
        store.leader = null;
        store.failure = new StoreException(StoreException.Reason.NO_LEADER, "no leader", null);
        Reply weak = api.query("/db/query", params("q", "SELECT 1"), null, null, true);
        assertEquals(503, weak.status());
        assertEquals("leader not found\n", body(weak));
        assertEquals(503, api.execute("/db/execute", params(), json("[\"DELETE FROM t\"]"), "application/json").status());
        assertEquals(200, api.query("/db/query", params("level", "none", "q", "SELECT 1"), null, null, true).status());
    }

    @Test
    void redirectAnswers301WithTheLeadersAddressInsteadOfForwarding() {
        store.role = "FOLLOWER";
        Reply r = api.execute("/db/execute?redirect&transaction", params("redirect", "", "transaction", ""),
                json("[\"DELETE FROM t\"]"), "application/json");
        assertEquals(301, r.status());
        assertEquals("http://127.0.0.9:4001/db/execute?redirect&transaction", r.headers().get("Location"));
        assertTrue(store.calls.isEmpty(), store.calls.toString());
        // a local read needs no leader, so it is not redirected
        assertEquals(200, api.query("/db/query?redirect&level=none", params("redirect", "", "level", "none", "q", "SELECT 1"),
                null, null, true).status());
        store.leader = null;
        assertEquals(503, api.execute("/db/execute?redirect", params("redirect", ""), json("[\"DELETE FROM t\"]"),
                "application/json").status());
        store.role = "LEADER";
        store.leader = "n1";
        assertEquals(200, api.execute("/db/execute?redirect", params("redirect", ""), json("[\"DELETE FROM t\"]"),
                "application/json").status(), "the leader serves a redirect request itself");
    }

    @Test
    void freshnessRefusesLocalReadsOnAFollowerThatLostTheLeader() {
        store.role = "FOLLOWER";
        store.sinceLeader = Duration.ofMillis(200);
        Reply fresh = api.query("/db/query", params("level", "none", "freshness", "1s", "q", "SELECT 7"), null, null, true);
        assertEquals(List.of("none"), store.calls);
        assertTrue(body(fresh).startsWith("{\"results\":[{\"columns\""), body(fresh));
        store.sinceLeader = Duration.ofSeconds(3);
        Reply stale = api.query("/db/query", params("level", "none", "freshness", "1s", "q", "SELECT 7"), null, null, true);
        assertEquals(200, stale.status());
        assertEquals("{\"results\":[],\"error\":\"stale read\"}", body(stale));
        store.sinceLeader = null;
        assertEquals("{\"results\":[],\"error\":\"stale read\"}",
                body(api.query("/db/query", params("level", "none", "freshness", "5s", "q", "SELECT 7"), null, null, true)));
        // without freshness a follower still answers from its own copy
        assertEquals(200, api.query("/db/query", params("level", "none", "q", "SELECT 7"), null, null, true).status());
        assertEquals(List.of("none", "none"), store.calls);
    }

    @Test
    void theTransactionFlagAndRaftIndexReachTheLogAndTheResponse() {
        Reply r = api.execute("/db/execute", params("transaction", "", "raft_index", ""), json("[\"INSERT INTO t VALUES (1)\"]"),
                "application/json");
        assertEquals(List.of("submit:EXECUTE:true"), store.calls);
        assertEquals("{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1}],\"raft_index\":42}", body(r));
    }

    @Test
    void refusedStatementsNeverReachTheLog() {
        Reply r = api.execute("/db/execute", params(), json("[\"PRAGMA synchronous=OFF\"]"), "application/json");
        assertEquals(200, r.status());
        assertEquals("{\"results\":[],\"error\":\"disallowed pragma\"}", body(r));
        assertTrue(store.calls.isEmpty(), store.calls.toString());
    }

    @Test
    void aGrpcFailureNoStorePathMappedIsLeaderNotFoundNot500() {
        // what linearizable reads met ~3 s after a partition: "500 internal error: StatusRuntimeException"
        store.failure = org.apache.ratis.thirdparty.io.grpc.Status.UNAVAILABLE.withDescription("io exception")
                .asRuntimeException();
        Reply read = api.query("/db/query", params("level", "linearizable", "q", "SELECT 1"), null, null, true);
        assertEquals(503, read.status());
        assertEquals("leader not found\n", body(read));
        assertEquals(503, api.execute("/db/execute", params(), json("[\"DELETE FROM t\"]"), "application/json").status());
    }

    @Test
    void aTimeoutIsRqlites200WithAnError() {
        store.failure = new StoreException(StoreException.Reason.TIMEOUT, "timeout", null);
        Reply r = api.execute("/db/execute", params(), json("[\"DELETE FROM t\"]"), "application/json");
        assertEquals(200, r.status());
        assertEquals("{\"results\":[],\"error\":\"timeout\"}", body(r));
    }

    @Test
    void unifiedRequestsReadLocallyWhenTheyOnlyReadAndThroughTheLogOtherwise() {
        api.request("/db/request", params(), json("[\"SELECT 1\", \"SELECT 2\"]"), "application/json");
        assertEquals(List.of("weak"), store.calls);
        store.calls.clear();
        api.request("/db/request", params(), json("[\"SELECT 1\", \"DELETE FROM t\"]"), "application/json");
        assertEquals(List.of("submit:EXECUTE:false"), store.calls);
    }

    @Test
    void queuedWritesNeedALeaderUnlessNoleader() throws Exception {
        store.leader = null;
        assertEquals(503, api.execute("/db/execute", params("queue", ""), json("[\"DELETE FROM t\"]"), "application/json").status());
        Reply r = api.execute("/db/execute", params("queue", "", "noleader", ""), json("[\"DELETE FROM t\"]"), "application/json");
        assertEquals(200, r.status());
        assertTrue(body(r).matches("\\{\"results\":\\[],\"sequence_number\":\\d+}"), body(r));
    }

    @Test
    void clientMistakesAreFourHundreds() {
        assertEquals(400, api.execute("/db/execute", params(), json("not json"), "application/json").status());
        assertEquals(400, api.execute("/db/execute", params("bogus", "1"), json("[\"SELECT 1\"]"), "application/json").status());
        assertEquals(400, api.query("/db/query", params(), null, null, true).status());
        assertEquals(400, api.load("/db/load", params(), new byte[0]).status());
        assertTrue(store.calls.isEmpty(), store.calls.toString());
    }
}

package io.raftlite.discovery.tck;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fake Consul's semantics, checked with raw HTTP against what Consul's API docs say. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FakeConsulServerTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private FakeConsulServer consul;

    @BeforeEach
    void start() {
        consul = new FakeConsulServer().start();
    }

    @AfterEach
    void stop() {
        consul.close();
    }

    private HttpResponse<byte[]> call(String method, String pathAndQuery, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + consul.address() + pathAndQuery))
                .timeout(Duration.ofSeconds(30));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> put(String pathAndQuery, String body) throws Exception {
        return call("PUT", pathAndQuery, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<byte[]> get(String pathAndQuery) throws Exception {
        return call("GET", pathAndQuery, null);
    }

    private static Object json(HttpResponse<byte[]> r) {
        return FakeConsulJson.parse(new String(r.body(), StandardCharsets.UTF_8));
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** The one entry {@code GET /v1/kv/<key>} returns. */
    private Map<?, ?> entry(String key) throws Exception {
        HttpResponse<byte[]> r = get("/v1/kv/" + key);
        assertEquals(200, r.statusCode(), text(r));
        List<?> list = (List<?>) json(r);
        assertEquals(1, list.size());
        return (Map<?, ?>) list.get(0);
    }

    private static long index(HttpResponse<?> r) {
        return Long.parseLong(r.headers().firstValue("X-Consul-Index").orElseThrow());
    }

    private String session(String body) throws Exception {
        HttpResponse<byte[]> r = put("/v1/session/create", body);
        assertEquals(200, r.statusCode(), text(r));
        return (String) ((Map<?, ?>) json(r)).get("ID");
    }

    private static String key() {
        return "test/" + UUID.randomUUID();
    }

    @Test
    void casZeroCreatesOnlyWhenAbsent() throws Exception {
        String k = key();
        assertEquals("true", text(put("/v1/kv/" + k + "?cas=0", "first")));
        assertEquals("false", text(put("/v1/kv/" + k + "?cas=0", "second")));
        assertEquals("first", text(get("/v1/kv/" + k + "?raw")));
    }

    @Test
    void everyWriteBumpsModifyIndexAndCasNeedsTheCurrentOne() throws Exception {
        String k = key();
        put("/v1/kv/" + k, "a");
        Map<?, ?> first = entry(k);
        assertEquals(first.get("CreateIndex"), first.get("ModifyIndex"));
        put("/v1/kv/" + k, "b");
        HttpResponse<byte[]> r = get("/v1/kv/" + k);
        Map<?, ?> second = (Map<?, ?>) ((List<?>) json(r)).get(0);
        long m1 = (Long) first.get("ModifyIndex");
        long m2 = (Long) second.get("ModifyIndex");
        assertTrue(m2 > m1);
        assertEquals(first.get("CreateIndex"), second.get("CreateIndex"));
        assertEquals(m2, index(r), "X-Consul-Index of a key read is its ModifyIndex");
        assertEquals("false", text(put("/v1/kv/" + k + "?cas=" + m1, "stale")));
        assertEquals("true", text(put("/v1/kv/" + k + "?cas=" + m2, "fresh")));
        assertEquals("fresh", text(get("/v1/kv/" + k + "?raw")));
    }

    @Test
    void aMissingKeyIs404WithTheKvIndex() throws Exception {
        String k = key();
        put("/v1/kv/" + k, "x");
        long written = index(get("/v1/kv/" + k));
        HttpResponse<byte[]> r = get("/v1/kv/" + key());
        assertEquals(404, r.statusCode());
        assertEquals(written, index(r), "a missing key reports the KV table's index");
        assertEquals("true", r.headers().firstValue("X-Consul-KnownLeader").orElseThrow());
    }

    @Test
    void valuesAreStoredVerbatimAndReadAsBase64() throws Exception {
        String k = key();
        byte[] bytes = {0, 1, (byte) 0xff, '"', '\n', (byte) 0x80};
        assertEquals("true", text(call("PUT", "/v1/kv/" + k + "?flags=42", bytes)));
        Map<?, ?> e = entry(k);
        assertEquals(Base64.getEncoder().encodeToString(bytes), e.get("Value"));
        assertEquals(42L, e.get("Flags"));
        assertFalse(e.containsKey("Session"), "Session is omitted when there is none");
        assertArrayEquals(bytes, get("/v1/kv/" + k + "?raw").body());
        put("/v1/kv/" + k, null);
        assertNull(entry(k).get("Value"), "an empty value reads as null");
    }

    @Test
    void recurseAndKeysListAPrefix() throws Exception {
        String p = key();
        put("/v1/kv/" + p + "/a", "1");
        put("/v1/kv/" + p + "/b/c", "2");
        HttpResponse<byte[]> all = get("/v1/kv/" + p + "/?recurse");
        assertEquals(2, ((List<?>) json(all)).size());
        assertEquals(List.of(p + "/a", p + "/b/"), json(get("/v1/kv/" + p + "/?keys&separator=/")));
        assertEquals("true", text(call("DELETE", "/v1/kv/" + p + "?recurse", null)));
        assertEquals(404, get("/v1/kv/" + p + "/?recurse").statusCode());
    }

    @Test
    void aValueOver512KbIsRefused() throws Exception {
        assertEquals(413, call("PUT", "/v1/kv/" + key(), new byte[512 * 1024 + 1]).statusCode());
        assertEquals(200, call("PUT", "/v1/kv/" + key(), new byte[512 * 1024]).statusCode());
    }

    @Test
    void deleteWithCasZeroDoesNothing() throws Exception {
        String k = key();
        put("/v1/kv/" + k, "v");
        long m = (Long) entry(k).get("ModifyIndex");
        assertEquals("false", text(call("DELETE", "/v1/kv/" + k + "?cas=0", null)));
        assertEquals("false", text(call("DELETE", "/v1/kv/" + k + "?cas=" + (m + 1), null)));
        assertEquals(200, get("/v1/kv/" + k).statusCode());
        assertEquals("true", text(call("DELETE", "/v1/kv/" + k + "?cas=" + m, null)));
        assertEquals(404, get("/v1/kv/" + k).statusCode());
    }

    @Test
    void acquireLocksOnlyFreeKeysAndReleaseOnlyByTheHolder() throws Exception {
        String k = key();
        String s1 = session("{}");
        String s2 = session("{}");
        assertEquals("true", text(put("/v1/kv/" + k + "?acquire=" + s1, "one")));
        Map<?, ?> locked = entry(k);
        assertEquals(s1, locked.get("Session"));
        assertEquals(1L, locked.get("LockIndex"));
        assertEquals("false", text(put("/v1/kv/" + k + "?acquire=" + s2, "two")));
        assertEquals("true", text(put("/v1/kv/" + k + "?acquire=" + s1, "again")), "the holder may re-acquire");
        assertEquals(1L, entry(k).get("LockIndex"), "re-acquiring by the holder keeps LockIndex");
        assertEquals("false", text(put("/v1/kv/" + k + "?release=" + s2, "x")));
        assertEquals("true", text(put("/v1/kv/" + k + "?release=" + s1, "released")));
        Map<?, ?> free = entry(k);
        assertFalse(free.containsKey("Session"));
        assertEquals(1L, free.get("LockIndex"));
        assertEquals("released", text(get("/v1/kv/" + k + "?raw")));
        assertEquals("true", text(put("/v1/kv/" + k + "?acquire=" + s2, "two")));
        assertEquals(2L, entry(k).get("LockIndex"));
    }

    @Test
    void acquireOverridesCas() throws Exception {
        String k = key();
        put("/v1/kv/" + k, "exists");
        String s = session("{}");
        assertEquals("true", text(put("/v1/kv/" + k + "?cas=0&acquire=" + s, "taken")),
                "cas=0 with acquire is not create-if-absent: acquire wins");
    }

    @Test
    void aPlainPutOverwritesALockedKeyAndKeepsItsSession() throws Exception {
        String k = key();
        String s = session("{}");
        put("/v1/kv/" + k + "?acquire=" + s, "mine");
        assertEquals("true", text(put("/v1/kv/" + k, "theirs")));
        Map<?, ?> e = entry(k);
        assertEquals(s, e.get("Session"));
        assertEquals("theirs", text(get("/v1/kv/" + k + "?raw")));
    }

    @Test
    void anUnrenewedDeleteSessionDeletesItsKeysAtTtl() throws Exception {
        String k = key();
        String s = session("{\"TTL\":\"10s\",\"Behavior\":\"delete\",\"LockDelay\":\"0s\"}");
        assertEquals("true", text(put("/v1/kv/" + k + "?acquire=" + s, "v")));
        Thread.sleep(9_000);
        assertEquals(200, get("/v1/kv/" + k).statusCode(), "alive before its TTL");
        Thread.sleep(1_500);
        assertEquals(404, get("/v1/kv/" + k).statusCode(), "deleted once the TTL lapsed");
        assertEquals(404, put("/v1/session/renew/" + s, null).statusCode());
        assertEquals("[]", text(get("/v1/session/info/" + s)));
    }

    @Test
    void renewingKeepsASessionAlive() throws Exception {
        String s = session("{\"TTL\":\"10s\"}");
        for (int i = 0; i < 4; i++) {
            Thread.sleep(3_000);
            HttpResponse<byte[]> r = put("/v1/session/renew/" + s, null);
            assertEquals(200, r.statusCode());
            assertEquals(s, ((Map<?, ?>) ((List<?>) json(r)).get(0)).get("ID"));
        }
    }

    @Test
    void destroyingAReleaseSessionUnlocksAndLockDelayHoldsOffOthers() throws Exception {
        String k = key();
        String s1 = session("{\"LockDelay\":\"2s\"}");
        put("/v1/kv/" + k + "?acquire=" + s1, "v");
        assertEquals("true", text(put("/v1/session/destroy/" + s1, null)));
        assertEquals("true", text(put("/v1/session/destroy/" + s1, null)), "destroy is idempotent");
        Map<?, ?> e = entry(k);
        assertFalse(e.containsKey("Session"), "Behavior=release keeps the key, unlocked");
        String s2 = session("{}");
        assertEquals("false", text(put("/v1/kv/" + k + "?acquire=" + s2, "w")), "lock delay holds");
        Thread.sleep(2_200);
        assertEquals("true", text(put("/v1/kv/" + k + "?acquire=" + s2, "w")), "lock delay is over");
    }

    @Test
    void sessionSettingsAreValidated() throws Exception {
        assertEquals(400, put("/v1/session/create", "{\"TTL\":\"5s\"}").statusCode());
        assertEquals(400, put("/v1/session/create", "{\"TTL\":\"86401s\"}").statusCode());
        assertEquals(400, put("/v1/session/create", "{\"Behavior\":\"keep\"}").statusCode());
        String s = session("{\"Name\":\"n\",\"TTL\":\"10s\"}");
        Map<?, ?> info = (Map<?, ?>) ((List<?>) json(get("/v1/session/info/" + s))).get(0);
        assertEquals("release", info.get("Behavior"));
        assertEquals(15_000_000_000L, info.get("LockDelay"));
        assertEquals("10s", info.get("TTL"));
        assertEquals(1, ((List<?>) json(get("/v1/session/list"))).size());
    }

    @Test
    void aBlockingQueryWakesOnAChange() throws Exception {
        String k = key();
        put("/v1/kv/" + k, "a");
        long idx = index(get("/v1/kv/" + k));
        CompletableFuture<HttpResponse<byte[]>> held = CompletableFuture.supplyAsync(() -> {
            try {
                return get("/v1/kv/" + k + "?index=" + idx + "&wait=20s");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertFalse(held.isDone(), "the query holds while nothing changes");
        put("/v1/kv/" + k, "b");
        HttpResponse<byte[]> r = held.get(10, TimeUnit.SECONDS);
        assertTrue(index(r) > idx);
        assertEquals(Base64.getEncoder().encodeToString("b".getBytes(StandardCharsets.UTF_8)),
                ((Map<?, ?>) ((List<?>) json(r)).get(0)).get("Value"));
    }

    @Test
    void aBlockingQueryReturnsTheSameIndexWhenItsWaitElapses() throws Exception {
        String k = key();
        put("/v1/kv/" + k, "a");
        long idx = index(get("/v1/kv/" + k));
        long start = System.nanoTime();
        HttpResponse<byte[]> r = get("/v1/kv/" + k + "?index=" + idx + "&wait=700ms");
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(650), "held for its wait");
        assertEquals(200, r.statusCode());
        assertEquals(idx, index(r));
    }

    @Test
    void badQueryValuesAre400AndUnknownPaths404() throws Exception {
        assertEquals(400, get("/v1/kv/x?index=abc").statusCode());
        assertEquals(400, get("/v1/kv/x?index=1&wait=soon").statusCode());
        assertEquals(400, put("/v1/kv/x?cas=-1", "v").statusCode());
        assertEquals(400, put("/v1/kv/x?flags=z", "v").statusCode());
        assertEquals(404, get("/v1/nothing").statusCode());
        assertEquals(404, get("/v1/session/bogus").statusCode());
        assertEquals(500, get("/v1/kv/x?dc=elsewhere").statusCode(), "one datacenter, dc1");
        assertEquals(404, get("/v1/kv/x?dc=dc1").statusCode());
        assertEquals("\"127.0.0.81:8300\"", text(get("/v1/status/leader")));
    }

    @Test
    void aTransactionAppliesAllOrNothing() throws Exception {
        String a = key();
        String b = key();
        put("/v1/kv/" + b, "exists");
        String v = Base64.getEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> failed = put("/v1/txn", "[{\"KV\":{\"Verb\":\"set\",\"Key\":\"" + a + "\",\"Value\":\"" + v
                + "\"}},{\"KV\":{\"Verb\":\"check-not-exists\",\"Key\":\"" + b + "\"}}]");
        assertEquals(409, failed.statusCode());
        Map<?, ?> answer = (Map<?, ?>) json(failed);
        assertNull(answer.get("Results"));
        assertEquals(1L, ((Map<?, ?>) ((List<?>) answer.get("Errors")).get(0)).get("OpIndex"));
        assertEquals(404, get("/v1/kv/" + a).statusCode(), "the set was rolled back");

        String s = session("{}");
        HttpResponse<byte[]> ok = put("/v1/txn", "[{\"KV\":{\"Verb\":\"check-not-exists\",\"Key\":\"" + a
                + "\"}},{\"KV\":{\"Verb\":\"lock\",\"Key\":\"" + a + "\",\"Value\":\"" + v + "\",\"Session\":\"" + s + "\"}}]");
        assertEquals(200, ok.statusCode(), text(ok));
        Map<?, ?> done = (Map<?, ?>) json(ok);
        assertTrue(done.containsKey("Errors") && done.get("Errors") == null);
        Map<?, ?> kv = (Map<?, ?>) ((Map<?, ?>) ((List<?>) done.get("Results")).get(0)).get("KV");
        assertEquals(entry(a).get("ModifyIndex"), kv.get("ModifyIndex"));
        assertNull(kv.get("Value"), "only get returns values");
        assertEquals(s, entry(a).get("Session"));
    }

    @Test
    void requestFieldNamesMatchCaseInsensitivelyLikeGo() throws Exception {
        String k = key();
        HttpResponse<byte[]> r = put("/v1/txn", "[{\"kv\":{\"verb\":\"set\",\"key\":\"" + k + "\",\"Value\":null}}]");
        assertEquals(200, r.statusCode(), text(r));
        assertEquals(200, get("/v1/kv/" + k).statusCode());
        assertEquals(200, put("/v1/session/create", "{\"ttl\":\"10s\"}").statusCode());
        assertEquals(400, put("/v1/session/create", "{\"ttl\":\"1s\"}").statusCode(), "ttl is TTL");
    }

    @Test
    void registeredServicesShowInTheAgentAndCatalog() throws Exception {
        assertEquals(200, put("/v1/agent/service/register", "{\"ID\":\"n1\",\"Name\":\"raftlite\",\"Address\":"
                + "\"127.0.0.11\",\"Port\":4001,\"Tags\":[\"t\"],\"Check\":{\"TTL\":\"10s\"}}").statusCode());
        assertEquals(1, ((List<?>) json(get("/v1/catalog/service/raftlite"))).size());
        assertEquals(0, ((List<?>) json(get("/v1/health/service/raftlite?passing"))).size(), "checks start critical");
        assertEquals(200, put("/v1/agent/check/pass/service:n1", null).statusCode());
        assertEquals(1, ((List<?>) json(get("/v1/health/service/raftlite?passing"))).size());
        assertTrue(consul.registeredServices().get(0).passing());
        assertTrue(((Map<?, ?>) json(get("/v1/agent/services"))).containsKey("n1"));
        assertEquals(200, put("/v1/agent/service/deregister/n1", null).statusCode());
        assertEquals(404, put("/v1/agent/service/deregister/n1", null).statusCode());
        assertTrue(consul.registeredServices().isEmpty());
    }
}

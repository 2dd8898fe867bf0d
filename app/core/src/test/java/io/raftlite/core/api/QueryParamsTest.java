package io.raftlite.core.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueryParamsTest {

    /** Builds the parameter map from "name" (flag) or "name=value" pairs, as a decoded query string. */
    private static Map<String, List<String>> query(String... pairs) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            m.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(value);
        }
        return m;
    }

    private static QueryParams parse(String... pairs) throws BadRequestException {
        return QueryParams.parse(query(pairs));
    }

    private static String refusal(String... pairs) {
        BadRequestException e = assertThrows(BadRequestException.class, () -> parse(pairs));
        assertEquals(400, e.status());
        return e.getMessage();
    }

    @Test
    void absentParametersTakeRqlitesDefaults() throws Exception {
        QueryParams p = parse();
        assertFalse(p.pretty() || p.timings() || p.transaction() || p.associative() || p.blobArray() || p.queue()
                || p.waitForQueue() || p.redirect() || p.raftIndex() || p.noLeader() || p.freshnessStrict()
                || p.compress() || p.vacuum() || p.nonVoters() || p.noParse() || p.sync());
        assertEquals(ReadLevel.WEAK, p.level());
        assertEquals(Duration.ofSeconds(30), p.timeout());
        assertEquals(Duration.ofSeconds(10), p.linearizableTimeout());
        assertEquals(Duration.ZERO, p.freshness());
        assertEquals(Duration.ZERO, p.dbTimeout());
        assertNull(p.q());
        assertNull(p.key());
        assertEquals(0, p.retries());
        assertNull(p.trailingLogs());
        assertEquals(List.of(), p.tables());
        assertEquals(p, QueryParams.parse(null));
    }

    @Test
    void flagsArePresentMeansTrueWhateverTheValue() throws Exception {
        QueryParams p = parse("pretty=false", "timings", "transaction=0", "associative", "blob_array", "queue",
                "wait", "redirect", "raft_index", "noleader", "compress", "vacuum", "nonvoters", "noparse",
                "norwrandom", "norwtime", "bypass", "qualify_columns", "sync");
        assertTrue(p.pretty() && p.timings() && p.transaction() && p.associative() && p.blobArray() && p.queue()
                && p.waitForQueue() && p.redirect() && p.raftIndex() && p.noLeader() && p.compress() && p.vacuum()
                && p.nonVoters() && p.noParse() && p.noRewriteRandom() && p.noRewriteTime() && p.bypass()
                && p.qualifyColumns() && p.sync());
    }

    @Test
    void flagWithNoValuesListIsStillPresent() throws Exception {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("pretty", List.of());
        m.put("timings", null);
        QueryParams p = QueryParams.parse(m);
        assertTrue(p.pretty());
        assertTrue(p.timings());
    }

    @Test
    void valuedParameters() throws Exception {
        QueryParams p = parse("q=SELECT * FROM foo", "level=LINEARIZABLE", "freshness=1s", "freshness_strict",
                "timeout=2m", "db_timeout=250ms", "linearizable_timeout=1.5s", "retries=3", "trailing_logs=100",
                "fmt=sql", "ver=2", "key=store.raft", "tables= a, ,b ", "q=ignored second value");
        assertEquals("SELECT * FROM foo", p.q());
        assertEquals(ReadLevel.LINEARIZABLE, p.level());
        assertEquals(Duration.ofSeconds(1), p.freshness());
        assertTrue(p.freshnessStrict());
        assertEquals(Duration.ofMinutes(2), p.timeout());
        assertEquals(Duration.ofMillis(250), p.dbTimeout());
        assertEquals(Duration.ofMillis(1500), p.linearizableTimeout());
        assertEquals(3, p.retries());
        assertEquals(100, p.trailingLogs());
        assertEquals("sql", p.fmt());
        assertEquals("2", p.ver());
        assertEquals("store.raft", p.key());
        assertEquals(List.of("a", "b"), p.tables());
    }

    @ParameterizedTest
    @ValueSource(strings = {"level=", "level=bogus", "level"})
    void unknownOrEmptyLevelIsWeak(String pair) throws Exception {
        assertEquals(ReadLevel.WEAK, parse(pair).level());
    }

    @Test
    void refusalsUseRqlitesWords() {
        assertEquals("freshness_strict requires freshness", refusal("freshness_strict"));
        for (String k : List.of("timeout", "freshness", "db_timeout", "linearizable_timeout")) {
            assertEquals(k + " is not a valid duration", refusal(k + "=5"));
            assertEquals(k + " is not a valid duration", refusal(k + "=abc"));
            assertEquals(k + " is not a valid duration", refusal(k));
        }
        for (String k : List.of("retries", "trailing_logs")) {
            assertEquals(k + " is not a valid integer", refusal(k + "=1.5"));
            assertEquals(k + " is not a valid integer", refusal(k));
        }
        assertEquals("query parameter not set", refusal("q="));
    }

    @Test
    void rqlitesCheckOrderIsKept() {
        assertEquals("freshness_strict requires freshness", refusal("timeout=x", "freshness_strict"));
        assertEquals("timeout is not a valid duration", refusal("freshness=x", "timeout=x"));
        assertEquals("db_timeout is not a valid duration", refusal("retries=x", "db_timeout=x"));
    }

    @Test
    void unknownParameterNamesAreRefused() {
        assertEquals("unknown query parameter: timing", refusal("pretty", "timing"));
        assertEquals("unknown query parameter: Pretty", refusal("Pretty")); // names are case-sensitive
        assertEquals("unknown query parameter: a", refusal("z", "a"));
    }

    @Test
    void everyNameRqliteAcceptsIsAccepted() throws Exception {
        String[] all = QueryParams.KNOWN_NAMES.stream().map(n -> switch (n) {
            case "timeout", "freshness", "db_timeout", "linearizable_timeout" -> n + "=1s";
            case "retries", "trailing_logs" -> n + "=1";
            default -> n + "=x";
        }).toArray(String[]::new);
        assertEquals(32, all.length);
        QueryParams p = parse(all);
        assertTrue(p.freshnessStrict());
        assertEquals(Arrays.asList("x"), p.tables());
    }

    @Test
    void originalConstructorStillWorks() {
        QueryParams p = new QueryParams(true, false, false, false, false, false, false, false, false, false, false,
                false, false, false, ReadLevel.STRONG, Duration.ZERO, Duration.ofSeconds(30), Duration.ZERO,
                Duration.ofSeconds(10), "SELECT 1", null, null, null);
        assertTrue(p.pretty());
        assertEquals(0, p.retries());
        assertEquals(List.of(), p.tables());
    }
}

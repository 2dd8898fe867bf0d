package io.raftlite.core.api;

import io.raftlite.core.command.ErrorResult;
import io.raftlite.core.command.ExecuteResult;
import io.raftlite.core.command.QueryResult;
import io.raftlite.core.command.StatementResult;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Expected strings are rqlite's own, from rqlite.md §1.4 (its system tests and docs) unless noted. */
class ResponseWriterTest {

    private static final RenderOptions PLAIN = new RenderOptions(false, false, false, false, false);
    private static final RenderOptions TIMINGS = new RenderOptions(false, true, false, false, false);
    private static final RenderOptions ASSOCIATIVE = new RenderOptions(false, false, true, false, false);
    private static final RenderOptions UNIFIED_ASSOCIATIVE = new RenderOptions(false, false, true, false, true);

    private static String write(RenderOptions options, StatementResult... results) {
        return write(new Response(List.of(results), null, null, null, null), options);
    }

    private static String write(Response response, RenderOptions options) {
        return new String(ResponseWriter.write(response, options), StandardCharsets.UTF_8);
    }

    private static QueryResult fooRows(List<List<Object>> rows) {
        return new QueryResult(List.of("id", "name"), List.of("integer", "text"), rows, 0.0150043);
    }

    @Test
    void executeResultsOmitZeroFields() {
        assertEquals("{\"results\":[{}]}", write(PLAIN, new ExecuteResult(0, 0, 0.001)));
        assertEquals("{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1}]}",
                write(PLAIN, new ExecuteResult(1, 1, 0.00886)));
        assertEquals("{\"results\":[{\"rows_affected\":3}]}", write(PLAIN, new ExecuteResult(0, 3, 0)));
    }

    @Test
    void sqlErrorsAreResultsWithAnErrorKey() {
        assertEquals("{\"results\":[{\"error\":\"no such table: bar\"}]}", write(PLAIN, new ErrorResult("no such table: bar")));
        assertEquals("{\"results\":[{\"error\":\"near \\\"blah\\\": syntax error\"}]}",
                write(PLAIN, new ErrorResult("near \"blah\": syntax error")));
    }

    @Test
    void queryRowsInDefaultForm() {
        assertEquals("{\"results\":[{\"columns\":[\"id\",\"name\"],\"types\":[\"integer\",\"text\"],\"values\":[[1,\"fiona\"]]}]}",
                write(PLAIN, fooRows(List.of(List.of(1L, "fiona")))));
        assertEquals("{\"results\":[{\"columns\":[\"id\",\"name\"],\"types\":[\"integer\",\"text\"]}]}",
                write(PLAIN, fooRows(List.of())));
        // declared type of an expression is "", and is still listed
        assertEquals("{\"results\":[{\"columns\":[\"1\"],\"types\":[\"\"],\"values\":[[1]]}]}",
                write(PLAIN, new QueryResult(List.of("1"), List.of(""), List.of(List.of(1L)), 0)));
    }

    @Test
    void storeLevelErrorsQueuedWritesAndRaftIndex() {
        assertEquals("{\"results\":[],\"error\":\"disallowed pragma\"}", write(Response.error("disallowed pragma"), PLAIN));
        assertEquals("{\"results\":[],\"sequence_number\":1653314298877648934}",
                write(new Response(List.of(), null, null, 1653314298877648934L, null), PLAIN));
        assertEquals("{\"results\":[{\"last_insert_id\":3,\"rows_affected\":1}],\"raft_index\":6}",
                write(new Response(List.of(new ExecuteResult(3, 1, 0)), null, null, null, 6L), PLAIN));
    }

    @Test
    void timingsAddTimesInGoFloatFormat() {
        assertEquals("{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1,\"time\":0.00886}],\"time\":0.0152}",
                write(new Response(List.of(new ExecuteResult(1, 1, 0.00886)), null, 0.0152, null, null), TIMINGS));
        assertEquals("{\"results\":[{\"columns\":[\"id\",\"name\"],\"types\":[\"integer\",\"text\"],"
                        + "\"values\":[[1,\"fiona\"]],\"time\":0.0150043}],\"time\":2.26e-7}",
                write(new Response(List.of(fooRows(List.of(List.of(1L, "fiona")))), null, 2.26e-7, null, null), TIMINGS));
        assertEquals("{\"results\":[{\"error\":\"no such table: bar\",\"time\":0.5}]}",
                write(TIMINGS, new ErrorResult("no such table: bar", 0.5)));
        // Go's omitempty drops a zero time even with timings
        assertEquals("{\"results\":[{}]}", write(TIMINGS, new ExecuteResult(0, 0, 0)));
        // without timings no time anywhere, even when measured
        assertEquals("{\"results\":[{\"error\":\"x\"}]}", write(new Response(List.of(new ErrorResult("x", 0.5)), null, 0.2, null, null), PLAIN));
    }

    @Test
    void topLevelKeysFollowRqlitesStructOrder() {
        Response all = new Response(List.of(), "stale read", 0.25, 7L, 9L);
        assertEquals("{\"results\":[],\"error\":\"stale read\",\"time\":0.25,\"sequence_number\":7,\"raft_index\":9}",
                write(all, TIMINGS));
    }

    @Test
    void associativeRowsAreGoMapsWithSortedKeys() {
        QueryResult people = new QueryResult(List.of("id", "name", "age"), List.of("integer", "text", "integer"),
                List.of(List.of(1L, "fiona", 20L), List.of(2L, "declan", 25L)), 0.000173061);
        // rqlite's docs print the keys unsorted, but Go's encoding/json sorts map keys
        assertEquals("{\"results\":[{\"types\":{\"age\":\"integer\",\"id\":\"integer\",\"name\":\"text\"},"
                        + "\"rows\":[{\"age\":20,\"id\":1,\"name\":\"fiona\"},{\"age\":25,\"id\":2,\"name\":\"declan\"}],"
                        + "\"time\":0.000173061}]}",
                write(new RenderOptions(false, true, true, false, false), people));
        assertEquals("{\"results\":[{\"types\":{\"name\":\"text\"},\"rows\":[]}]}",
                write(ASSOCIATIVE, new QueryResult(List.of("name"), List.of("text"), List.of(), 0)));
        assertEquals("{\"results\":[{\"rows\":[]}]}", write(ASSOCIATIVE, new QueryResult(List.of(), List.of(), List.of(), 0)));
    }

    @Test
    void associativeRepeatedColumnKeepsTheLastValueAndKeysSortByCodePoint() {
        QueryResult q = new QueryResult(List.of("a", "a", "\uFF5E", "\uD83D\uDE00"), List.of("integer", "text", "", ""),
                List.of(Arrays.asList(1L, "two", null, 4L)), 0);
        assertEquals("{\"results\":[{\"types\":{\"a\":\"text\",\"\uFF5E\":\"\",\"\uD83D\uDE00\":\"\"},"
                        + "\"rows\":[{\"a\":\"two\",\"\uFF5E\":null,\"\uD83D\uDE00\":4}]}]}",
                write(ASSOCIATIVE, q));
    }

    @Test
    void unifiedEndpointMarksExecuteResultsAndRendersErrorsAsBareMaps() {
        assertEquals("{\"results\":[{\"last_insert_id\":99,\"rows_affected\":1,\"rows\":null}]}",
                write(UNIFIED_ASSOCIATIVE, new ExecuteResult(99, 1, 0.1)));
        assertEquals("{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1,\"time\":0.1,\"rows\":null},"
                        + "{\"types\":{\"name\":\"text\"},\"rows\":[{\"name\":\"fiona\"}],\"time\":0.2},"
                        + "{\"error\":\"no such table: bar\"}]}",
                write(new RenderOptions(false, true, true, false, true), new ExecuteResult(1, 1, 0.1),
                        new QueryResult(List.of("name"), List.of("text"), List.of(List.of("fiona")), 0.2),
                        new ErrorResult("no such table: bar", 0.3)));
        // not associative: no "rows" marker
        assertEquals("{\"results\":[{\"last_insert_id\":99,\"rows_affected\":1}]}",
                write(new RenderOptions(false, false, false, false, true), new ExecuteResult(99, 1, 0)));
        // associative on /db/execute: no marker either
        assertEquals("{\"results\":[{\"last_insert_id\":99,\"rows_affected\":1}]}", write(ASSOCIATIVE, new ExecuteResult(99, 1, 0)));
    }

    @Test
    void valuesOfEveryType() {
        QueryResult q = new QueryResult(List.of("i", "r", "t", "b", "n", "e"), List.of("integer", "real", "text", "blob", "", "blob"),
                List.of(Arrays.asList(-7L, 1.0, "<a&b>", new byte[]{0, (byte) 255, 16}, null, new byte[0])), 0);
        assertEquals("{\"results\":[{\"columns\":[\"i\",\"r\",\"t\",\"b\",\"n\",\"e\"],\"types\":[\"integer\",\"real\",\"text\",\"blob\",\"\",\"blob\"],"
                        + "\"values\":[[-7,1,\"\\u003ca\\u0026b\\u003e\",\"AP8Q\",null,\"\"]]}]}",
                write(PLAIN, q));
        assertEquals("{\"results\":[{\"columns\":[\"i\",\"r\",\"t\",\"b\",\"n\",\"e\"],\"types\":[\"integer\",\"real\",\"text\",\"blob\",\"\",\"blob\"],"
                        + "\"values\":[[-7,1,\"\\u003ca\\u0026b\\u003e\",[0,255,16],null,[]]]}]}",
                write(new RenderOptions(false, false, false, true, false), q));
        assertEquals("{\"results\":[{\"types\":{\"b\":\"blob\"},\"rows\":[{\"b\":[1,2]}]}]}",
                write(new RenderOptions(false, false, true, true, false),
                        new QueryResult(List.of("b"), List.of("blob"), List.of(List.of(new byte[]{1, 2})), 0)));
    }

    @Test
    void prettyIsGoMarshalIndentWithFourSpaces() {
        String expected = "{\n"
                + "    \"results\": [\n"
                + "        {\n"
                + "            \"columns\": [\n"
                + "                \"id\",\n"
                + "                \"name\"\n"
                + "            ],\n"
                + "            \"types\": [\n"
                + "                \"integer\",\n"
                + "                \"text\"\n"
                + "            ],\n"
                + "            \"values\": [\n"
                + "                [\n"
                + "                    1,\n"
                + "                    \"fiona\"\n"
                + "                ]\n"
                + "            ],\n"
                + "            \"time\": 0.0150043\n"
                + "        },\n"
                + "        {}\n"
                + "    ],\n"
                + "    \"time\": 0.0220043\n"
                + "}";
        Response r = new Response(List.of(fooRows(List.of(List.of(1L, "fiona"))), new ExecuteResult(0, 0, 0)),
                null, 0.0220043, null, null);
        assertEquals(expected, write(r, new RenderOptions(true, true, false, false, false)));
        assertEquals("{\n    \"results\": []\n}", write(new Response(List.of(), null, null, null, null),
                new RenderOptions(true, false, false, false, false)));
    }

    @Test
    void renderOptionsFollowQueryParams() throws Exception {
        QueryParams p = QueryParams.parse(java.util.Map.of("associative", List.of(""), "timings", List.of("")));
        assertEquals(new RenderOptions(false, true, true, false, true), RenderOptions.of(p, true));
    }
}

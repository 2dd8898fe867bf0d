package io.raftlite.core.json;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonWriteTest {

    private static String compact(Object v) {
        return Json.write(v, false);
    }

    @Test
    void writesScalarsAsGo() {
        assertEquals("null", compact(null));
        assertEquals("true", compact(true));
        assertEquals("-9223372036854775808", compact(Long.MIN_VALUE));
        assertEquals("42", compact(42));
        assertEquals("\"AAEC/w==\"", compact(new byte[]{0, 1, 2, (byte) 255}));
        assertEquals("\"\"", compact(new byte[0]));
    }

    @Test
    void escapesStringsAsGoEncodingJson() {
        assertEquals("\"\\u003cb\\u003e \\u0026 \\\" \\\\ /\"", compact("<b> & \" \\ /"));
        assertEquals("\"\\b\\f\\n\\r\\t\\u0000\\u001f\u007f\"", compact("\b\f\n\r\t\u0000\u001f\u007f"));
        assertEquals("\"\\u2028\\u2029\"", compact("\u2028\u2029"));
        assertEquals("\"é€🙂\"", compact("é€🙂"));
        assertEquals("\"a\\ufffdb\\ufffd\"", compact("a\uD800b\uDC00"));
    }

    @Test
    void mapsKeepIterationOrderAndNest() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1L);
        m.put("a", Arrays.asList(1L, null, "x"));
        m.put("e", Map.of());
        m.put("l", List.of());
        assertEquals("{\"z\":1,\"a\":[1,null,\"x\"],\"e\":{},\"l\":[]}", compact(m));
    }

    @Test
    void prettyMatchesGoMarshalIndentWithFourSpaces() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("columns", List.of("id", "name"));
        inner.put("values", List.of(List.of(1L, "fiona")));
        inner.put("e", new ArrayList<>());
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("results", List.of(inner, Map.of()));
        String expected = "{\n"
                + "    \"results\": [\n"
                + "        {\n"
                + "            \"columns\": [\n"
                + "                \"id\",\n"
                + "                \"name\"\n"
                + "            ],\n"
                + "            \"values\": [\n"
                + "                [\n"
                + "                    1,\n"
                + "                    \"fiona\"\n"
                + "                ]\n"
                + "            ],\n"
                + "            \"e\": []\n"
                + "        },\n"
                + "        {}\n"
                + "    ]\n"
                + "}";
        assertEquals(expected, Json.write(top, true));
    }

    @Test
    void roundTripsThroughParse() throws Exception {
        String text = "{\"a\":[1,2.5,\"x\\u003c\",true,null,{\"b\":-3}],\"c\":\"\\u2028é\"}";
        assertEquals(text, compact(Json.parse(text.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void writeUtf8EncodesText() {
        assertArrayEquals("\"é\"".getBytes(StandardCharsets.UTF_8), Json.writeUtf8("é", false));
    }

    @Test
    void refusesTypesItCannotWrite() {
        assertThrows(IllegalArgumentException.class, () -> compact(new Object()));
    }

    @Test
    void goMapKeyOrderIsCodePointOrder() {
        Map<String, Object> m = new java.util.TreeMap<>(Json.GO_MAP_KEY_ORDER);
        m.put("\uD83D\uDE00", 1L); // U+1F600: after U+FF5E in UTF-8, before it in UTF-16
        m.put("\uFF5E", 2L);
        m.put("b", 3L);
        m.put("B", 4L);
        m.put("ab", 5L);
        m.put("a", 6L);
        assertEquals("{\"B\":4,\"a\":6,\"ab\":5,\"b\":3,\"\uFF5E\":2,\"\uD83D\uDE00\":1}", compact(m));
    }
}

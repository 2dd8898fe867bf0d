package io.raftlite.core.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class JsonParseTest {

    private static Object parse(String s) throws JsonException {
        return Json.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonException refused(byte[] bytes) {
        return assertThrows(JsonException.class, () -> Json.parse(bytes));
    }

    private static JsonException refused(String s) {
        return refused(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void objectsKeepKeyOrderAndArraysKeepElementOrder() throws Exception {
        Object v = parse(" {\"z\":1, \"a\":[true,false,null,\"s\"], \"m\":{}} ");
        Map<?, ?> map = assertInstanceOf(LinkedHashMap.class, v);
        assertEquals(List.of("z", "a", "m"), List.copyOf(map.keySet()));
        assertEquals(Arrays.asList(true, false, null, "s"), map.get("a"));
        assertEquals(Map.of(), map.get("m"));
    }

    @Test
    void numbersAreLongWhenIntegralAndInRangeOtherwiseDouble() throws Exception {
        assertEquals(20L, parse("20"));
        assertEquals(-9223372036854775808L, parse("-9223372036854775808"));
        assertEquals(0L, parse("-0"));
        assertEquals(9.223372036854775808E18, parse("9223372036854775808"));
        assertEquals(1.0, parse("1.0"));
        assertEquals(100.0, parse("1e2"));
        assertEquals(-2.5E-3, parse("-2.5E-3"));
        assertEquals(0.0, parse("1e-400"));
        assertTrue(refused("1e400").getMessage().contains("out of range"));
    }

    @Test
    void stringsDecodeEscapesAndMultiByteText() throws Exception {
        assertEquals("a\"\\/\b\f\n\r\t\u00e9\u20ac\uD83D\uDE00x", parse("\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\u20ac\\ud83d\\ude00x\""));
        assertEquals("fiona 🙂", parse("\"fiona 🙂\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "[", "]", "[1,]", "[,1]", "{\"a\"}", "{\"a\":}", "{a:1}", "{\"a\":1,}", "01", "1.",
            ".5", "+1", "-", "1e", "1e+", "tru", "nul", "NaN", "Infinity", "'a'", "\"a", "\"\\x\"", "\"\\u12\"",
            "\"\\u12g4\"", "[1] [2]", "1 2", "{\"a\":1}}", "\"tab\there\"", "[1;2]", "\"\\ud800\"", "\"\\udc00\"",
            "\"\\ud800\\u0041\"", "\"\\ud800x\""})
    void refusesInvalidJson(String text) {
        refused(text);
    }

    @Test
    void loneSurrogateEscapesAreRefusedAndSaySo() {
        assertTrue(refused("[\"\\ud83d\"]").getMessage().contains("surrogate"));
    }

    @Test
    void refusesInvalidUtf8AndSaysSo() {
        byte[][] bad = {
                {'"', (byte) 0xC3, '"'},                               // truncated 2-byte sequence
                {'"', (byte) 0xC0, (byte) 0xAF, '"'},                  // overlong '/'
                {'"', (byte) 0xE0, (byte) 0x80, (byte) 0xAF, '"'},     // overlong 3-byte
                {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'},     // encoded surrogate U+D800
                {'"', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'}, // above U+10FFFF
                {'"', (byte) 0x80, '"'},                               // lone continuation byte
                {(byte) 0xFF},
        };
        for (byte[] b : bad) {
            assertTrue(refused(b).getMessage().contains("UTF-8"), Arrays.toString(b));
        }
    }

    @Test
    void refusesByteOrderMark() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '[', ']'};
        assertTrue(refused(bom).getMessage().contains("byte order mark"));
    }

    @Test
    void nestingIsLimitedTo64() throws Exception {
        String ok = "[".repeat(64) + "]".repeat(64);
        assertInstanceOf(List.class, parse(ok));
        assertTrue(refused("[".repeat(65) + "]".repeat(65)).getMessage().contains("nesting"));
        assertTrue(refused("{\"a\":".repeat(65) + "1" + "}".repeat(65)).getMessage().contains("nesting"));
        refused("[".repeat(100_000)); // no StackOverflowError
    }

    @Test
    void nulBytesAndOtherEncodingsAreRefused() {
        refused(new byte[]{0, '[', 0, ']'});                            // UTF-16BE for [], which Jackson would read
        refused("[\"a\"]".getBytes(StandardCharsets.UTF_16LE));
        refused(new byte[]{'[', '"', 0, '"', ']'});
        refused(new byte[]{'[', ']', 0});
    }

    @Test
    void documentsAreLimitedInValuesAndNumberLength() throws Exception {
        assertInstanceOf(List.class, parse("[" + "0,".repeat(99_998) + "0]"));
        assertTrue(refused("[" + "{},".repeat(99_999) + "{}]").getMessage().contains("more than 100000 values"));
        assertTrue(refused("1" + "0".repeat(1000)).getMessage().contains("Number value length (1001)"));
        assertTrue(refused("[{}, " + "[".repeat(1_000_000)).getMessage().contains("nesting"));
    }

    @Test
    void scalarsAreValidTopLevelValues() throws Exception {
        assertNull(parse("null"));
        assertEquals("x", parse(" \"x\"\n"));
        assertEquals(Boolean.TRUE, parse("true"));
    }

    @Test
    void randomBytesAndTruncationsOnlyEverRaiseJsonException() {
        Random random = new Random(42);
        byte[] seed = "[\"INSERT INTO foo(name) VALUES(?)\", [\"SELECT ?\", 1, -2.5e3, {\"a\":[1,2]}, \"\\u00e9\\ud83d\\ude00\", true, null]]"
                .getBytes(StandardCharsets.UTF_8);
        for (int len = 0; len < seed.length; len++) {
            tryParse(Arrays.copyOf(seed, len));
        }
        byte[] alphabet = "[]{}\",:\\u0123456789eE+-.tfnrl aXd\u00e9".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(40)];
            for (int k = 0; k < b.length; k++) {
                b[k] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
            }
            tryParse(b);
            byte[] mutated = seed.clone();
            mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            tryParse(mutated);
        }
    }

    private static void tryParse(byte[] bytes) {
        try {
            Json.parse(bytes);
        } catch (JsonException expected) {
            // refused: fine
        } catch (RuntimeException | StackOverflowError e) {
            fail("unexpected " + e + " for " + Arrays.toString(bytes));
        }
    }
}

package io.raftlite.core.api;

import io.raftlite.core.command.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class RequestParserTest {

    private static final String JSON = "application/json";

    private static List<Statement> parse(String body) throws BadRequestException {
        return RequestParser.parse(body.getBytes(StandardCharsets.UTF_8), JSON);
    }

    private static String refusal(byte[] body, String contentType) {
        BadRequestException e = assertThrows(BadRequestException.class, () -> RequestParser.parse(body, contentType));
        assertEquals(400, e.status());
        return e.getMessage();
    }

    private static String refusal(String body) {
        return refusal(body.getBytes(StandardCharsets.UTF_8), JSON);
    }

    @Test
    void plainSqlStrings() throws Exception {
        assertEquals(List.of(Statement.of("CREATE TABLE foo (id INTEGER)"), Statement.of("INSERT INTO foo VALUES(1)")),
                parse("[\"CREATE TABLE foo (id INTEGER)\", \"INSERT INTO foo VALUES(1)\"]"));
    }

    @Test
    void positionalParametersAreTypedAsRqliteTypesThem() throws Exception {
        Statement s = parse("[[\"INSERT INTO foo VALUES(?,?,?,?,?,?,?)\", \"fiona\", 20, 2.5, 1.0, true, null, "
                + "12345678901234567890]]").get(0);
        assertEquals("INSERT INTO foo VALUES(?,?,?,?,?,?,?)", s.sql());
        assertEquals(Arrays.asList("fiona", 20L, 2.5, 1.0, true, null, 1.2345678901234567E19), s.positional());
        assertTrue(s.named().isEmpty());
    }

    @Test
    void namedParametersKeepTheirNamesWithoutPrefix() throws Exception {
        Statement s = parse("[[\"INSERT INTO foo(name, age) VALUES(:name, :age)\", {\"name\": \"fiona\", \"age\": 20}]]").get(0);
        assertEquals(Map.of("name", "fiona", "age", 20L), s.named());
        assertTrue(s.positional().isEmpty());
    }

    @Test
    void plainAndParameterizedFormsMix() throws Exception {
        List<Statement> got = parse("[\"SELECT 1\", [\"SELECT ?\", 2], [\"SELECT 3\"]]");
        assertEquals(List.of(Statement.of("SELECT 1"), Statement.of("SELECT ?", 2L), Statement.of("SELECT 3")), got);
        assertFalse(got.get(2).hasParameters());
    }

    @Test
    void hexStringsAndByteArraysAreBlobs() throws Exception {
        Statement s = parse("[[\"INSERT INTO b VALUES(?,?,?,?,?)\", \"x'0aFF'\", \"X''\", [0, 1, 255], [], \"x'abc'\"]]").get(0);
        assertArrayEquals(new byte[]{0x0a, (byte) 0xff}, (byte[]) s.positional().get(0));
        assertArrayEquals(new byte[0], (byte[]) s.positional().get(1));
        assertArrayEquals(new byte[]{0, 1, (byte) 255}, (byte[]) s.positional().get(2));
        assertArrayEquals(new byte[0], (byte[]) s.positional().get(3));
        assertEquals("x'abc'", s.positional().get(4)); // odd length: stays TEXT
        Statement named = parse("[[\"SELECT :b\", {\"b\": [7]}]]").get(0);
        assertArrayEquals(new byte[]{7}, (byte[]) named.named().get("b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x'zz'", "x'0g'", "x'\u0663\u0663'", "x'12", "'12'", "y'12'", "x12"})
    void stringsThatAreNotHexLiteralsStayText(String text) throws Exception {
        Statement s = parse("[[\"SELECT ?\", \"" + text + "\"]]").get(0);
        assertEquals(text, s.positional().get(0));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|no statements",
            "[]|no statements",
            "[[]]|no statements",
            "{}|invalid request",
            "\"SELECT 1\"|invalid request",
            "[1,2]|invalid request",
            "[{\"a\":1}]|invalid request",
            "[null]|invalid request",
            "[[1, \"SELECT 1\"]]|invalid request",
            "[[\"SELECT ?\", {\"a\":[1,{}]}]]|unsupported type",
            "[[\"SELECT ?\", [1, 256]]]|unsupported type",
            "[[\"SELECT ?\", [-1]]]|unsupported type",
            "[[\"SELECT ?\", [1.5]]]|unsupported type",
            "[[\"SELECT ?\", [\"a\"]]]|unsupported type",
            "[[\"SELECT ?\", [[1]]]]|unsupported type",
            "[[\"SELECT :a\", {\"a\": {\"b\": 1}}]]|unsupported type",
            "[[\"SELECT ?, :a\", 1, {\"a\": 2}]]|invalid request: positional and named parameters mixed",
            "[\"SELECT 1\"|invalid JSON body",
            "[\"SELECT 1\"] x|invalid JSON body",
            "[[\"SELECT ?\", 1e999]]|invalid JSON body",
            "not json|invalid JSON body",
    })
    void hostileBodiesAreRefusedWithRqlitesWords(String body, String message) {
        assertEquals(message, refusal(body));
    }

    @Test
    void deepNestingAndInvalidUtf8AreInvalidJson() {
        assertEquals("invalid JSON body", refusal("[".repeat(10_000)));
        assertEquals("invalid JSON body", refusal(new byte[]{'[', '"', (byte) 0xC3, '"', ']'}, JSON));
        assertEquals("invalid JSON body", refusal(new byte[]{'[', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ']'}, null));
    }

    @Test
    void textPlainBodyIsOneStatement() throws Exception {
        String sql = "INSERT INTO foo(name) VALUES('fiona'); -- [\"not json\"]";
        for (String ct : List.of("text/plain", "text/plain; charset=utf-8", "TEXT/PLAIN;charset=UTF-8", " text/plain ")) {
            assertEquals(List.of(Statement.of(sql)), RequestParser.parse(sql.getBytes(StandardCharsets.UTF_8), ct), ct);
        }
        assertEquals("invalid request: body is not valid UTF-8", refusal(new byte[]{'S', (byte) 0xFF}, "text/plain"));
        assertEquals("no statements", refusal(new byte[0], "text/plain"));
    }

    @Test
    void otherContentTypesAreJson() {
        assertFalse(RequestParser.isTextPlain("text/plainx"));
        assertFalse(RequestParser.isTextPlain("application/json"));
        assertFalse(RequestParser.isTextPlain(null));
        assertEquals("invalid JSON body", refusal("SELECT 1".getBytes(StandardCharsets.UTF_8), "text/html"));
    }

    @Test
    void queryParameterIsOneStatement() throws Exception {
        assertEquals(List.of(Statement.of("SELECT * FROM foo")), RequestParser.parseQueryParameter("SELECT * FROM foo"));
        assertEquals("query parameter not set",
                assertThrows(BadRequestException.class, () -> RequestParser.parseQueryParameter("")).getMessage());
        assertThrows(BadRequestException.class, () -> RequestParser.parseQueryParameter(null));
    }

    @Test
    void randomBodiesOnlyEverRaiseBadRequest() {
        Random random = new Random(1);
        byte[] seed = "[\"SELECT 1\", [\"SELECT ?, ?\", \"x'00ff'\", [1,2,255]], [\"SELECT :a\", {\"a\": -1.5e3, \"b\": null}]]"
                .getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 20_000; i++) {
            byte[] body = i < seed.length ? Arrays.copyOf(seed, i) : seed.clone();
            if (i >= seed.length) {
                for (int k = random.nextInt(3); k >= 0; k--) {
                    body[random.nextInt(body.length)] = "[]{}\",:0159.-x'ae"
                            .getBytes(StandardCharsets.UTF_8)[random.nextInt(17)];
                }
            }
            try {
                RequestParser.parse(body, i % 7 == 0 ? "text/plain" : JSON);
            } catch (BadRequestException expected) {
                assertEquals(400, expected.status());
            } catch (RuntimeException e) {
                fail("unexpected " + e + " for " + new String(body, StandardCharsets.UTF_8), e);
            }
        }
    }
}

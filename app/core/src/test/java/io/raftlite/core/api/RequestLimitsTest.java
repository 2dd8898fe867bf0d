package io.raftlite.core.api;

import io.raftlite.core.command.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The bounds of {@link RequestLimits} and the strictness the streaming reader adds to Jackson's. */
class RequestLimitsTest {

    private static final RequestLimits SMALL = new RequestLimits(3, 2, 4, 4);

    private static List<Statement> parse(String body, RequestLimits limits) throws BadRequestException {
        return RequestParser.parse(body.getBytes(StandardCharsets.UTF_8), "application/json", limits);
    }

    private static String refusal(byte[] body, RequestLimits limits) {
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> RequestParser.parse(body, "application/json", limits));
        assertEquals(400, e.status());
        return e.getMessage();
    }

    private static String refusal(String body, RequestLimits limits) {
        return refusal(body.getBytes(StandardCharsets.UTF_8), limits);
    }

    @Test
    void bodiesAtEveryLimitAreAccepted() throws Exception {
        assertEquals(3, parse("[\"SELECT 1\", [\"SELECT ?, ?\", 1, 2], [\"SELECT :a, :b\", {\"a\": 1, \"b\": [1, 2, 3, 4]}]]",
                SMALL).size());
        assertArrayEquals(new byte[]{1, 2, 3, 4},
                (byte[]) parse("[[\"SELECT :b\", {\"b\": [1, 2, 3, 4]}]]", SMALL).get(0).named().get("b"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[\"a\", \"b\", \"c\", \"d\"]|too many statements: more than 3 in one request",
            "[\"a\", [\"b\", 1, 2, 3]]|too many parameters in statement 2: more than 2",
            "[[\"b\", {\"x\": 1, \"y\": 2, \"z\": 3}]]|too many parameters in statement 1: more than 2",
            "[[\"a\", 1, 2], [\"b\", 1, 2], [\"c\", 1]]|too many parameters: more than 4 in one request",
            "[[\"a\", [1, 2, 3, 4, 5]]]|BLOB array in statement 1 longer than 4 elements",
            "[[\"a\", {\"b\": [1, 2, 3, 4, 5]}]]|BLOB array in statement 1 longer than 4 elements",
    })
    void bodiesPastALimitAreRefusedNamingIt(String body, String message) {
        assertEquals(message, refusal(body, SMALL));
    }

    @Test
    void numbersAndStringsPastTheirLengthAreRefusedNamingTheLength() throws Exception {
        String digits = "0." + "0".repeat(999) + "1"; // Jackson counts the digits after the point: 1,000 here
        assertEquals(List.of(0.0), parse("[[\"SELECT ?\", " + digits + "]]", RequestLimits.DEFAULT).get(0).positional());
        assertEquals("invalid JSON body: Number value length (1001) exceeds the maximum allowed (1000)",
                refusal("[[\"SELECT ?\", 0.0" + digits.substring(2) + "]]", RequestLimits.DEFAULT));
        String sql = "x".repeat((8 << 20) + 1);
        assertEquals("invalid JSON body: String value length (8388609) exceeds the maximum allowed (8388608)",
                refusal("[\"" + sql + "\"]", RequestLimits.DEFAULT));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[{}, \"SELECT 1\"]|invalid request",
            "[{}, \"SELECT 1\"|invalid JSON body",
            "[{}] [1]|invalid JSON body",
            "\"SELECT 1\"|invalid request",
            "\"SELECT 1\" \"SELECT 2\"|invalid JSON body",
            "[[\"SELECT ?\", {}], 1]|invalid request",
            "[[\"SELECT ?\", {\"a\": {}}], 01]|invalid JSON body",
            "[\"a\", \"b\", \"c\", \"d\"|invalid JSON body",
            "[[\"SELECT :a\", {\"\\ud800\": 1}]]|invalid JSON body",
    })
    void invalidJsonWinsOverAWrongShapeAsInRqlite(String body, String message) {
        assertEquals(message, refusal(body, SMALL));
    }

    @Test
    void namedParametersKeepRqlitesMergingAndLastValueWins() throws Exception {
        Statement s = parse("[[\"SELECT :a, :b\", {\"a\": 1, \"b\": 2, \"a\": 3}, {\"c\": null}]]", RequestLimits.DEFAULT)
                .get(0);
        assertEquals(List.of("a", "b", "c"), List.copyOf(s.named().keySet()));
        assertEquals(3L, s.named().get("a"));
        assertEquals(List.of(1L), parse("[[\"SELECT ?\", 1, {}]]", RequestLimits.DEFAULT).get(0).positional());
        assertEquals(Map.of(), parse("[[\"SELECT 1\", {}]]", RequestLimits.DEFAULT).get(0).named());
    }

    @Test
    void nulBytesAndOtherEncodingsAreInvalidJson() {
        assertEquals("invalid JSON body", refusal(new byte[]{0, '[', 0, '"', 0, 'a', 0, '"', 0, ']'}, SMALL));
        assertEquals("invalid JSON body", refusal(new byte[]{'[', '"', 'a', 0, '"', ']'}, SMALL));
        assertEquals("invalid JSON body", refusal(new byte[]{'[', '"', 'a', '"', ']', 0}, SMALL));
        assertEquals("invalid JSON body", refusal("[\"a\"]".getBytes(StandardCharsets.UTF_16LE), SMALL));
    }

    @Test
    void limitsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new RequestLimits(0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new RequestLimits(1, -1, 1, 1));
    }
}

package io.raftlite.core.json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 recursive-descent parser over UTF-8 bytes. The input is checked as UTF-8 first, so
 * the grammar below only ever sees valid text; recursion is bounded by {@link #MAX_DEPTH}.
 */
final class JsonParser {

    /** Arrays and objects nested deeper than this are refused (no client of rqlite's API needs more). */
    static final int MAX_DEPTH = 64;

    private final byte[] in;
    private int pos;

    private JsonParser(byte[] in) {
        this.in = in;
    }

    static Object parse(byte[] utf8) throws JsonException {
        if (utf8 == null) {
            throw new JsonException("no input");
        }
        int bad = StrictUtf8.firstInvalidOffset(utf8);
        if (bad >= 0) {
            throw new JsonException("invalid UTF-8 at byte offset " + bad);
        }
        if (utf8.length >= 3 && (utf8[0] & 0xFF) == 0xEF && (utf8[1] & 0xFF) == 0xBB && (utf8[2] & 0xFF) == 0xBF) {
            throw new JsonException("byte order mark is not allowed");
        }
        JsonParser parser = new JsonParser(utf8);
        parser.skipWhitespace();
        Object value = parser.value(0);
        parser.skipWhitespace();
        if (parser.pos != utf8.length) {
            throw parser.error("unexpected data after the top-level value");
        }
        return value;
    }

    private Object value(int depth) throws JsonException {
        if (pos >= in.length) {
            throw error("unexpected end of input");
        }
        byte c = in[pos];
        switch (c) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character");
        }
    }

    private Map<String, Object> object(int depth) throws JsonException {
        checkDepth(depth);
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            map.put(key, value(depth)); // a repeated key: the last value wins, as in Go
            skipWhitespace();
            int c = peek();
            pos++;
            if (c == '}') {
                return map;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) throws JsonException {
        checkDepth(depth);
        pos++; // '['
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(value(depth));
            skipWhitespace();
            int c = peek();
            pos++;
            if (c == ']') {
                return list;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() throws JsonException {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        int runStart = pos;
        while (true) {
            if (pos >= in.length) {
                throw error("unterminated string");
            }
            int b = in[pos] & 0xFF;
            if (b == '"' || b == '\\') {
                sb.append(new String(in, runStart, pos - runStart, StandardCharsets.UTF_8));
                pos++;
                if (b == '"') {
                    return sb.toString();
                }
                escape(sb);
                runStart = pos;
            } else if (b < 0x20) {
                throw error("unescaped control character in string");
            } else {
                pos++;
            }
        }
    }

    private void escape(StringBuilder sb) throws JsonException {
        if (pos >= in.length) {
            throw error("unterminated string");
        }
        byte c = in[pos++];
        switch (c) {
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case '/' -> sb.append('/');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> unicodeEscape(sb);
            default -> {
                pos--;
                throw error("invalid escape");
            }
        }
    }

    /** A {@code \\uXXXX} escape; a surrogate must be half of a correctly ordered pair. */
    private void unicodeEscape(StringBuilder sb) throws JsonException {
        char unit = hex4();
        if (Character.isLowSurrogate(unit)) {
            throw error("lone surrogate escape");
        }
        if (Character.isHighSurrogate(unit)) {
            if (pos + 1 < in.length && in[pos] == '\\' && in[pos + 1] == 'u') {
                pos += 2;
                char low = hex4();
                if (Character.isLowSurrogate(low)) {
                    sb.append(unit).append(low);
                    return;
                }
            }
            throw error("lone surrogate escape");
        }
        sb.append(unit);
    }

    private char hex4() throws JsonException {
        if (pos + 4 > in.length) {
            throw error("truncated \\u escape");
        }
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(in[pos + k], 16);
            if (d < 0) {
                throw error("invalid \\u escape");
            }
            v = (v << 4) | d;
        }
        pos += 4;
        return (char) v;
    }

    /** RFC 8259 number; integral numbers that fit a long are Longs, all others Doubles. */
    private Object number() throws JsonException {
        int start = pos;
        boolean integral = true;
        if (in[pos] == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (digits() == 0) {
            throw error("invalid number");
        }
        if (peek() == '.') {
            pos++;
            integral = false;
            if (digits() == 0) {
                throw error("invalid number");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            integral = false;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (digits() == 0) {
                throw error("invalid number");
            }
        }
        String text = new String(in, start, pos - start, StandardCharsets.US_ASCII);
        if (integral) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooBig) {
                // falls through to a Double, as Go's json.Number.Float64 does
            }
        }
        double d = Double.parseDouble(text);
        if (Double.isInfinite(d)) {
            pos = start;
            throw error("number out of range");
        }
        return d;
    }

    private int digits() {
        int n = 0;
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
            n++;
        }
        return n;
    }

    private void literal(String word) throws JsonException {
        int n = word.length();
        if (pos + n > in.length) {
            throw error("unexpected end of input");
        }
        for (int k = 0; k < n; k++) {
            if (in[pos + k] != word.charAt(k)) {
                throw error("unexpected character");
            }
        }
        pos += n;
    }

    private void checkDepth(int depth) throws JsonException {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
    }

    private void expect(char c) throws JsonException {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    /** The next byte, or -1 at the end. */
    private int peek() {
        return pos < in.length ? in[pos] : -1;
    }

    private void skipWhitespace() {
        while (pos < in.length) {
            byte c = in[pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private JsonException error(String what) {
        if (pos >= in.length) {
            return new JsonException(what + " at end of input");
        }
        return new JsonException(what + " at byte offset " + pos);
    }
}

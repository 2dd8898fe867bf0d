package io.raftlite.discovery.tck;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fake Consul's JSON: a strict reader (objects become LinkedHashMaps, numbers Long or Double) and a
 * writer for maps, lists, strings, numbers, booleans and null. JDK only, like the rest of the fake. The
 * reader repeats {@code RecordJson.Parser}, which is package-private in the API module: a fake server's needs
 * (top-level arrays, no environment expansion) are no reason to widen the SPI's public surface.
 *
 * <p>Objects read field names the way Go's encoding/json does, which is how Consul decodes request bodies:
 * an exact match first, else a case-insensitive one (consul-client sends a transaction's {@code "KV"} as
 * {@code "kv"}, and Consul accepts it).
 */
final class FakeConsulJson {

    private final String in;
    private int pos;

    private FakeConsulJson(String in) {
        this.in = in;
    }

    /** Parses one JSON document; an empty body is null. */
    static Object parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        FakeConsulJson p = new FakeConsulJson(text);
        Object v = p.value();
        p.space();
        if (p.pos != text.length()) {
            throw p.error("trailing characters");
        }
        return v;
    }

    /** Writes {@code v} as JSON. */
    static String write(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            string(b, s);
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(first ? "" : ",");
                string(b, String.valueOf(e.getKey()));
                b.append(':');
                write(b, e.getValue());
                first = false;
            }
            b.append('}');
        } else if (v instanceof Collection<?> c) {
            b.append('[');
            boolean first = true;
            for (Object o : c) {
                b.append(first ? "" : ",");
                write(b, o);
                first = false;
            }
            b.append(']');
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass());
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        b.append('"');
    }

    private Object value() {
        space();
        if (pos >= in.length()) {
            throw error("unexpected end");
        }
        return switch (in.charAt(pos)) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    /** A JSON object whose {@link #get} matches field names as Go's encoding/json does. */
    static final class GoObject extends LinkedHashMap<String, Object> {
        @Override
        public Object get(Object name) {
            if (super.containsKey(name)) {
                return super.get(name);
            }
            for (Map.Entry<String, Object> e : entrySet()) {
                if (e.getKey().equalsIgnoreCase(String.valueOf(name))) {
                    return e.getValue();
                }
            }
            return null;
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new GoObject();
        pos++;
        space();
        if (peek('}')) {
            pos++;
            return m;
        }
        do {
            space();
            if (!peek('"')) {
                throw error("expected a field name");
            }
            String k = string();
            space();
            expect(':');
            m.put(k, value());
            space();
        } while (skip(','));
        expect('}');
        return m;
    }

    private List<Object> array() {
        List<Object> l = new ArrayList<>();
        pos++;
        space();
        if (peek(']')) {
            pos++;
            return l;
        }
        do {
            l.add(value());
            space();
        } while (skip(','));
        expect(']');
        return l;
    }

    private String string() {
        StringBuilder b = new StringBuilder();
        pos++;
        while (pos < in.length()) {
            char c = in.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (pos >= in.length()) {
                break;
            }
            char e = in.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (pos + 4 > in.length()) {
                        throw error("short \\u escape");
                    }
                    b.append((char) Integer.parseInt(in.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
        }
        throw error("unterminated string");
    }

    private Object number() {
        int start = pos;
        while (pos < in.length() && "+-0123456789.eE".indexOf(in.charAt(pos)) >= 0) {
            pos++;
        }
        String n = in.substring(start, pos);
        if (n.isEmpty()) {
            throw error("unexpected character '" + in.charAt(pos) + "'");
        }
        try {
            return n.matches("-?\\d+") ? (Object) Long.parseLong(n) : (Object) Double.parseDouble(n);
        } catch (NumberFormatException e) {
            throw error("bad number " + n);
        }
    }

    private Object literal(String word, Object v) {
        if (!in.startsWith(word, pos)) {
            throw error("unexpected character '" + in.charAt(pos) + "'");
        }
        pos += word.length();
        return v;
    }

    private void space() {
        while (pos < in.length() && Character.isWhitespace(in.charAt(pos))) {
            pos++;
        }
    }

    private boolean peek(char c) {
        return pos < in.length() && in.charAt(pos) == c;
    }

    private boolean skip(char c) {
        if (peek(c)) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!skip(c)) {
            throw error("expected '" + c + "'");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at offset " + pos);
    }
}

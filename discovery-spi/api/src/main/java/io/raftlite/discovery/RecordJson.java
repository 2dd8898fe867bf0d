package io.raftlite.discovery;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one JSON form of a {@link ClusterRecord}, shared by every provider so that any store holds the same
 * bytes. Hand-written because this module may depend on the JDK only; it reads any JSON value and
 * ignores fields it does not know, so newer writers stay readable.
 */
public final class RecordJson {

    private RecordJson() {
    }

    /** Encodes a record as UTF-8 JSON. */
    public static byte[] encode(ClusterRecord r) {
        StringBuilder b = new StringBuilder(256).append('{');
        if (r.leader() != null) {
            memberFields(b, r.leader());
            b.append(',');
        }
        b.append("\"state\":");
        string(b, r.state().name().toLowerCase(Locale.ROOT));
        if (r.clusterId() != null) {
            b.append(",\"cluster_id\":");
            string(b, r.clusterId());
        }
        b.append(",\"members\":[");
        for (int i = 0; i < r.members().size(); i++) {
            b.append(i == 0 ? "{" : ",{");
            memberFields(b, r.members().get(i));
            b.append('}');
        }
        b.append("],\"updated_ms\":").append(r.updatedMillis()).append('}');
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Decodes what {@link #encode} wrote.
     *
     * @throws DiscoveryException when the bytes are not JSON or not a raftlite record (say, a key some
     *                            other program wrote), naming what is wrong
     */
    public static ClusterRecord decode(byte[] json) throws DiscoveryException {
        try {
            Object value = new Parser(new String(json, StandardCharsets.UTF_8)).document();
            if (!(value instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("not a JSON object");
            }
            String state = text(m, "state");
            if (state == null) {
                throw new IllegalArgumentException("no \"state\" field");
            }
            ClusterRecord.State s = ClusterRecord.State.valueOf(state.toUpperCase(Locale.ROOT));
            List<Member> members = new ArrayList<>();
            if (m.get("members") instanceof List<?> list) {
                for (Object o : list) {
                    if (!(o instanceof Map<?, ?> mm)) {
                        throw new IllegalArgumentException("a member is not an object");
                    }
                    members.add(member(mm));
                }
            }
            Member leader = text(m, "addr") == null ? null : member(m);
            Object updated = m.get("updated_ms");
            long millis = updated instanceof Number n ? n.longValue() : 0;
            return new ClusterRecord(s, text(m, "cluster_id"), leader, members, millis);
        } catch (RuntimeException e) {
            throw new DiscoveryException("not a raftlite discovery record (" + e.getMessage() + "): "
                    + abbreviate(new String(json, StandardCharsets.UTF_8)), e);
        }
    }

    private static Member member(Map<?, ?> m) {
        String addr = text(m, "addr");
        if (addr == null) {
            throw new IllegalArgumentException("a member has no \"addr\"");
        }
        return new Member(text(m, "id"), addr, text(m, "api_addr"));
    }

    private static String text(Map<?, ?> m, String field) {
        Object v = m.get(field);
        if (v != null && !(v instanceof String)) {
            throw new IllegalArgumentException("\"" + field + "\" is not a string");
        }
        return (String) v;
    }

    private static void memberFields(StringBuilder b, Member m) {
        boolean first = true;
        if (m.id() != null) {
            b.append("\"id\":");
            string(b, m.id());
            first = false;
        }
        if (m.apiAddress() != null) {
            b.append(first ? "" : ",").append("\"api_addr\":");
            string(b, m.apiAddress());
            first = false;
        }
        b.append(first ? "" : ",").append("\"addr\":");
        string(b, m.raftAddress());
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
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "…";
    }

    /**
     * A small, strict JSON reader: objects become LinkedHashMaps, numbers Long or Double. It reads what any
     * writer of the discovery key left there, so nesting is bounded: a deep value is an error, not a
     * StackOverflowError. (The rest of the project reads JSON through jackson-core; this module may
     * depend on the JDK only.)
     */
    static final class Parser {
        /** Far more than a record (3 levels) or a discovery config needs. */
        private static final int MAX_DEPTH = 64;

        private final String in;
        private int pos;
        private int depth;

        Parser(String in) {
            this.in = in;
        }

        Object document() {
            Object v = value();
            skipSpace();
            if (pos != in.length()) {
                throw error("trailing characters");
            }
            return v;
        }

        private Object value() {
            skipSpace();
            if (pos >= in.length()) {
                throw error("unexpected end");
            }
            char c = in.charAt(pos);
            if ((c == '{' || c == '[') && depth == MAX_DEPTH) {
                throw error("nested deeper than " + MAX_DEPTH);
            }
            return switch (c) {
                case '{' -> nested(true);
                case '[' -> nested(false);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> number();
            };
        }

        private Object nested(boolean object) {
            depth++;
            Object v = object ? object() : array();
            depth--;
            return v;
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            pos++;
            skipSpace();
            if (peek('}')) {
                pos++;
                return m;
            }
            while (true) {
                skipSpace();
                if (!peek('"')) {
                    throw error("expected a field name");
                }
                String k = string();
                skipSpace();
                expect(':');
                m.put(k, value());
                skipSpace();
                if (peek(',')) {
                    pos++;
                } else {
                    expect('}');
                    return m;
                }
            }
        }

        private List<Object> array() {
            List<Object> l = new ArrayList<>();
            pos++;
            skipSpace();
            if (peek(']')) {
                pos++;
                return l;
            }
            while (true) {
                l.add(value());
                skipSpace();
                if (peek(',')) {
                    pos++;
                } else {
                    expect(']');
                    return l;
                }
            }
        }

        private String string() {
            StringBuilder b = new StringBuilder();
            pos++;
            while (true) {
                if (pos >= in.length()) {
                    throw error("unterminated string");
                }
                char c = in.charAt(pos++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                if (pos >= in.length()) {
                    throw error("unterminated escape");
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
                return n.contains(".") || n.contains("e") || n.contains("E") ? (Object) Double.parseDouble(n)
                        : (Object) Long.parseLong(n);
            } catch (NumberFormatException e) {
                throw error("bad number " + n);
            }
        }

        private Object literal(String word, Object value) {
            if (!in.startsWith(word, pos)) {
                throw error("unexpected character '" + in.charAt(pos) + "'");
            }
            pos += word.length();
            return value;
        }

        private void skipSpace() {
            while (pos < in.length() && Character.isWhitespace(in.charAt(pos))) {
                pos++;
            }
        }

        private boolean peek(char c) {
            return pos < in.length() && in.charAt(pos) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at offset " + pos);
        }
    }
}

package io.raftlite.core.json;

import java.math.BigInteger;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes values as Go's {@code json.Marshal} / {@code json.MarshalIndent(v, "", "    ")} would: compact or
 * indented by four spaces, maps in their iteration order, strings escaped the way Go escapes them.
 */
final class JsonWriter {

    private static final String INDENT = "    ";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out = new StringBuilder();
    private final boolean pretty;

    private JsonWriter(boolean pretty) {
        this.pretty = pretty;
    }

    static String write(Object value, boolean pretty) {
        JsonWriter writer = new JsonWriter(pretty);
        writer.value(value, 0);
        return writer.out.toString();
    }

    private void value(Object value, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            out.append(GoFloat.format(((Number) value).doubleValue()));
        } else if (value instanceof byte[] bytes) {
            out.append('"').append(Base64.getEncoder().encodeToString(bytes)).append('"');
        } else if (value instanceof Map<?, ?> map) {
            object(map, depth);
        } else if (value instanceof Iterable<?> iterable) {
            array(iterable.iterator(), depth);
        } else if (value instanceof Object[] array) {
            array(java.util.Arrays.asList(array).iterator(), depth);
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    private void object(Map<?, ?> map, int depth) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            newline(depth + 1);
            string(out, String.valueOf(entry.getKey()));
            out.append(pretty ? ": " : ":");
            value(entry.getValue(), depth + 1);
        }
        if (!first) {
            newline(depth);
        }
        out.append('}');
    }

    private void array(Iterator<?> items, int depth) {
        out.append('[');
        boolean first = true;
        while (items.hasNext()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            newline(depth + 1);
            value(items.next(), depth + 1);
        }
        if (!first) {
            newline(depth);
        }
        out.append(']');
    }

    private void newline(int depth) {
        if (pretty) {
            out.append('\n');
            for (int i = 0; i < depth; i++) {
                out.append(INDENT);
            }
        }
    }

    /**
     * Go's string escaping with HTML escaping on: {@code "} and {@code \\} backslashed; {@code \b \f \n \r \t}
     * short forms (Go 1.22+); other controls, {@code < > &}, U+2028 and U+2029 as {@code \\u00XX}-style
     * escapes; a lone surrogate, which has no UTF-8 form, as {@code \\ufffd} (Go's replacement for bad UTF-8).
     */
    static void string(StringBuilder out, String s) {
        out.append('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> unicode(out, c);
                default -> {
                    if (c < 0x20) {
                        unicode(out, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        out.append("\\ufffd");
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void unicode(StringBuilder out, char c) {
        out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
    }
}

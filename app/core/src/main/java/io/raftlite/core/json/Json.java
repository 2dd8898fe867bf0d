package io.raftlite.core.json;

import java.util.Comparator;

/** Entry point of the JSON package: a strict parser and a writer that matches Go's {@code encoding/json}. */
public final class Json {

    /**
     * The order in which Go's {@code encoding/json} writes map keys: by their UTF-8 bytes, which is code point
     * order (not {@link String#compareTo}'s UTF-16 order). A {@link java.util.TreeMap} with this comparator
     * writes like a Go map, e.g. for {@code /status}.
     */
    public static final Comparator<String> GO_MAP_KEY_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private Json() {
    }

    /**
     * Strict parse of UTF-8 JSON: objects to {@link java.util.LinkedHashMap} (a repeated key keeps its first
     * position and its last value, as Go keeps the last), arrays to {@link java.util.ArrayList}, integral
     * numbers that fit a long to {@link Long}, other numbers to {@link Double}, strings, {@link Boolean} and
     * {@code null}. Read through {@link StrictJson}, for small documents: a caller of untrusted input that
     * knows its format walks {@link StrictJson}'s tokens instead and builds only what it keeps.
     *
     * @throws JsonException for anything else: invalid UTF-8, a byte order mark, trailing data, nesting
     *                       deeper than 64, more than 100,000 values, lone surrogate escapes, numbers beyond
     *                       the double range or longer than 1,000 characters. No other exception escapes,
     *                       whatever the bytes.
     */
    public static Object parse(byte[] utf8) throws JsonException {
        return JsonTree.parse(utf8);
    }

    /**
     * Writes maps, lists (any {@link Iterable}, or an {@code Object[]}), strings, numbers, booleans, null and
     * {@code byte[]} (standard base64) as Go's {@code json.Marshal} would; with {@code pretty}, as
     * {@code json.MarshalIndent(v, "", "    ")}. Maps are written in their iteration order.
     *
     * @throws IllegalArgumentException for a value of any other type (a programming error)
     */
    public static String write(Object value, boolean pretty) {
        return JsonWriter.write(value, pretty);
    }

    /** {@link #write} as UTF-8 bytes, ready for an HTTP body. */
    public static byte[] writeUtf8(Object value, boolean pretty) {
        return write(value, pretty).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}

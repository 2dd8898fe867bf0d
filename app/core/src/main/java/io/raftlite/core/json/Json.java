package io.raftlite.core.json;

/** Entry point of the JSON package: a strict parser and a writer that matches Go's {@code encoding/json}. */
public final class Json {

    private Json() {
    }

    /**
     * Strict parse of UTF-8 JSON: objects to {@link java.util.LinkedHashMap} (a repeated key keeps its first
     * position and its last value, as Go keeps the last), arrays to {@link java.util.ArrayList}, integral
     * numbers that fit a long to {@link Long}, other numbers to {@link Double}, strings, {@link Boolean} and
     * {@code null}.
     *
     * @throws JsonException for anything else: invalid UTF-8, a byte order mark, trailing data, nesting
     *                       deeper than 64, lone surrogate escapes, numbers beyond the double range. No other
     *                       exception escapes, whatever the bytes.
     */
    public static Object parse(byte[] utf8) throws JsonException {
        return JsonParser.parse(utf8);
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

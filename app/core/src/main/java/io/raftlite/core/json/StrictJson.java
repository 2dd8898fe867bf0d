package io.raftlite.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The project's one JSON reader: jackson-core's streaming {@link JsonParser} over UTF-8 bytes, made as strict
 * as {@link Json#parse} promises, for callers that walk tokens and build only what they need.
 *
 * <p>What Jackson does not check by itself is checked here: the bytes must be strictly valid UTF-8 (Jackson
 * lets overlong forms and encoded surrogates through), without a byte order mark (Jackson skips one) and
 * without a NUL in the first four bytes (Jackson would read such input as UTF-16 or UTF-32); strings read
 * through {@link #text} and {@link #name} refuse lone surrogate escapes (Jackson keeps them); numbers read
 * through {@link #number} are Long or Double by rqlite's rule and refuse values beyond the double range;
 * {@link #finish} refuses data after the top-level value (Jackson allows a sequence of values).
 *
 * <p>Bounded by construction: nesting, number length and string length are capped by
 * {@link StreamReadConstraints} before Jackson allocates for them; field names are neither canonicalized nor
 * interned (no symbol table that hostile keys could grow or flood with collisions, which Jackson reports
 * with an unchecked exception; this also makes Jackson read the already checked bytes through its UTF-8
 * reader, so offsets in messages count characters). Buffers are kept per thread for the next parse only while
 * they are no larger than Jackson's initial sizes ({@link SmallBuffers}): a request that made one grow leaves
 * nothing behind, and a plain request no longer allocates its 8 KB token buffer anew (it was the largest
 * allocation of the write path: bench/profile-notes.md).
 */
public final class StrictJson {

    /**
     * Longest number read, as Jackson counts it (the digits of the integer part, or of the fraction and
     * exponent): a double needs at most 767 significant digits to be exact.
     */
    public static final int MAX_NUMBER_LENGTH = 1000;

    /** Longest string or field name, in chars: the 8 MiB default body limit, so no lower bound on valid SQL. */
    public static final int MAX_STRING_LENGTH = 8 << 20;

    /** One thread-safe factory per nesting limit asked for (callers use a handful of constants). */
    private static final Map<Integer, JsonFactory> FACTORIES = new ConcurrentHashMap<>();

    private StrictJson() {
    }

    /**
     * A parser over {@code utf8}, positioned before its first token; nesting deeper than {@code maxDepth}
     * is refused when reached.
     *
     * @throws JsonException when {@code utf8} is null, not strictly valid UTF-8 or starts with a byte order mark
     */
    public static JsonParser open(byte[] utf8, int maxDepth) throws JsonException {
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
        for (int i = 0; i < Math.min(4, utf8.length); i++) {
            if (utf8[i] == 0) {
                throw new JsonException("unexpected NUL byte at byte offset " + i); // Jackson would guess UTF-16/32
            }
        }
        try {
            return FACTORIES.computeIfAbsent(maxDepth, StrictJson::factory).createParser(utf8);
        } catch (IOException e) {
            throw error(e);
        }
    }

    private static JsonFactory factory(int maxDepth) {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxStringLength(MAX_STRING_LENGTH)
                        .maxNameLength(MAX_STRING_LENGTH)
                        .build())
                .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                .recyclerPool(SmallBuffers.POOL)
                .build();
    }

    /**
     * Jackson's buffers, one set per thread, kept only up to {@link #MAX_KEPT} elements each: Jackson's initial
     * sizes are 200 to 8,000, and a buffer grows only for a long token, which must not stay allocated after
     * its request. At most a few tens of KB per parsing thread.
     */
    static final class SmallBuffers extends BufferRecycler {

        static final int MAX_KEPT = 8_000;

        private static final ThreadLocal<SmallBuffers> MINE = ThreadLocal.withInitial(SmallBuffers::new);

        static final RecyclerPool<BufferRecycler> POOL = new RecyclerPool.ThreadLocalPoolBase<>() {
            @Override
            public BufferRecycler acquirePooled() {
                return MINE.get();
            }
        };

        @Override
        public void releaseCharBuffer(int ix, char[] buffer) {
            if (buffer != null && buffer.length <= MAX_KEPT) {
                super.releaseCharBuffer(ix, buffer);
            }
        }

        @Override
        public void releaseByteBuffer(int ix, byte[] buffer) {
            if (buffer != null && buffer.length <= MAX_KEPT) {
                super.releaseByteBuffer(ix, buffer);
            }
        }
    }

    /** The next token, or null at the end of the input. */
    public static JsonToken next(JsonParser p) throws JsonException {
        try {
            return p.nextToken();
        } catch (IOException e) {
            throw error(e);
        }
    }

    /** The current {@code VALUE_STRING}'s text. */
    public static String text(JsonParser p) throws JsonException {
        try {
            return noLoneSurrogate(p, p.getText());
        } catch (IOException e) {
            throw error(e);
        }
    }

    /** The current {@code FIELD_NAME}. */
    public static String name(JsonParser p) throws JsonException {
        try {
            return noLoneSurrogate(p, p.currentName());
        } catch (IOException e) {
            throw error(e);
        }
    }

    /**
     * The current number token: an integral literal that fits a long is a {@link Long}, every other number a
     * {@link Double} (as Go's {@code json.Number} reads them); a literal beyond the double range is refused.
     */
    public static Object number(JsonParser p) throws JsonException {
        try {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                JsonParser.NumberType type = p.getNumberType();
                if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
                    return p.getLongValue();
                }
            }
            double d = Double.parseDouble(p.getText());
            if (Double.isInfinite(d)) {
                throw new JsonException("number out of range" + at(p.currentTokenLocation()));
            }
            return d;
        } catch (IOException e) {
            throw error(e);
        }
    }

    /**
     * Reads the rest of the top-level value without building anything, then refuses any data after it: for
     * a caller that stopped early (the JSON must still be checked) and for one that read the whole value.
     */
    public static void finish(JsonParser p) throws JsonException {
        try {
            while (p.currentToken() == null || !p.getParsingContext().inRoot()) {
                if (p.nextToken() == null) {
                    throw new JsonException("unexpected end of input");
                }
            }
            if (p.nextToken() != null) {
                throw new JsonException("unexpected data after the top-level value" + at(p.currentTokenLocation()));
            }
        } catch (IOException e) {
            throw error(e);
        }
    }

    private static String noLoneSurrogate(JsonParser p, String s) throws JsonException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                // raw UTF-8 was checked, so this came from a \\u escape, which Go would turn into U+FFFD
                throw new JsonException("lone surrogate escape" + at(p.currentTokenLocation()));
            }
        }
        return s;
    }

    private static JsonException error(IOException e) {
        String what = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        JsonLocation where = e instanceof JsonProcessingException j ? j.getLocation() : null;
        boolean limit = e instanceof StreamConstraintsException && !what.contains("nesting depth");
        what = what.replaceAll(", from `[^`]*`", ""); // Jackson's own setting names mean nothing to a client
        return new JsonException(what + (where == null ? "" : at(where)), limit);
    }

    /** Where, in characters: without canonical field names Jackson reads the bytes through its UTF-8 reader. */
    private static String at(JsonLocation where) {
        long offset = where.getCharOffset();
        return offset < 0 ? "" : " at character offset " + offset;
    }
}

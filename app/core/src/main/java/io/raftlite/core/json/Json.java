package io.raftlite.core.json;

/** STUB: replaced by the JSON part. Signatures are the contract. */
public final class Json {

    private Json() {
    }

    /** Strict parse of UTF-8 JSON: objects to LinkedHashMap, arrays to ArrayList, integral numbers to Long. */
    public static Object parse(byte[] utf8) throws JsonException {
        throw new UnsupportedOperationException("stub");
    }

    /** Writes maps, lists, strings, numbers, booleans, null and byte[] (base64) as Go's encoding/json would. */
    public static String write(Object value, boolean pretty) {
        throw new UnsupportedOperationException("stub");
    }
}

package io.raftlite.core.json;

/** Input that is not valid JSON (or not valid UTF-8, or nested too deep), or valid JSON past a size limit. */
public final class JsonException extends Exception {

    private final boolean limit;

    public JsonException(String message) {
        this(message, false);
    }

    /** {@code limit}: the input may be valid JSON, but one of its values is larger than the reader allows. */
    public JsonException(String message, boolean limit) {
        super(message);
        this.limit = limit;
    }

    /** Whether the input was refused for a size limit (a number or string too long) rather than its syntax. */
    public boolean exceedsLimit() {
        return limit;
    }
}

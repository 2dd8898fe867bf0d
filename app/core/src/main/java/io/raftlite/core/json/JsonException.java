package io.raftlite.core.json;

/** Input that is not valid JSON (or not valid UTF-8, or nested too deep). */
public final class JsonException extends Exception {

    public JsonException(String message) {
        super(message);
    }
}

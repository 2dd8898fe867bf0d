package io.raftlite.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A finished HTTP answer, independent of the framework. */
public record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static final String JSON = "application/json";
    public static final String TEXT = "text/plain; charset=utf-8";

    public static Reply json(byte[] body) {
        return new Reply(200, JSON, body, Map.of());
    }

    /** Plain text exactly as given (rqlite's /readyz lines). */
    public static Reply plain(int status, String text) {
        return new Reply(status, TEXT, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** A plain-text reason with a trailing newline, as Go's http.Error writes it. */
    public static Reply text(int status, String reason) {
        return new Reply(status, TEXT, (reason + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
    }
}

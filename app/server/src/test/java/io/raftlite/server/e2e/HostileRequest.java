package io.raftlite.server.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One request of the hostile-input suite, sent as it is (method, path with query, raw body bytes, headers).
 * Its answer keeps only a preview of the body, so a 40 MB answer costs the test nothing.
 */
record HostileRequest(String method, String path, byte[] body, Map<String, String> headers) {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final int PREVIEW = 400;

    static HostileRequest get(String pathAndQuery) {
        return new HostileRequest("GET", pathAndQuery, new byte[0], Map.of());
    }

    static HostileRequest json(String path, String body) {
        return new HostileRequest("POST", path, body.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json"));
    }

    /** This request with one more header. */
    HostileRequest with(String header, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(header, value);
        return new HostileRequest(method, path, body, h);
    }

    /** The path without its query: the endpoint the totals count it under. */
    String endpoint() {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    /** Method, path, headers and a preview of the body, for a failure message. */
    String describe() {
        String p = path.length() > 200 ? path.substring(0, 200) + "...(" + path.length() + " chars)" : path;
        return method + " " + p + " " + headers + " body " + body.length + " B: " + preview(body, 160);
    }

    /** Sends it to the node and waits at most {@code timeout} for the whole answer. */
    Answer sendTo(NodeProcess node, Duration timeout) throws InterruptedException {
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).timeout(timeout)
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(b::header);
        } catch (IllegalArgumentException e) {
            return new Answer(-2, "", 0, null, "not sendable: " + e.getMessage());
        }
        try {
            HttpResponse<InputStream> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                byte[] head = in.readNBytes(PREVIEW);
                long total = head.length;
                byte[] sink = new byte[65536];
                for (int n; (n = in.read(sink)) > 0; ) {
                    total += n;
                }
                return new Answer(r.statusCode(), new String(head, StandardCharsets.UTF_8), total,
                        r.headers().firstValue("Retry-After").orElse(null), null);
            }
        } catch (IOException e) {
            return new Answer(-1, "", 0, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    static String preview(byte[] bytes, int max) {
        String s = new String(Arrays.copyOf(bytes, Math.min(bytes.length, max)), StandardCharsets.UTF_8);
        s = s.replaceAll("[\\p{Cntrl}&&[^\n]]", "\uFFFD").replace("\n", "\\n");
        return bytes.length > max ? s + "..." : s;
    }

    /**
     * What came back: the status (-1 no answer, -2 the client could not build the request), a body preview,
     * the body's full length, Retry-After if any, and the client's error when there was no answer.
     */
    record Answer(int status, String bodyPreview, long bodyBytes, String retryAfter, String error) {

        boolean answered() {
            return status > 0;
        }

        /** 5xx, except a 503 with Retry-After (the in-flight budget is full: the client should come back). */
        boolean serverError() {
            return status >= 500 && !(status == 503 && retryAfter != null);
        }

        /** rqlite's refusal: 200 with an {@code error} in the body, or a 4xx. */
        boolean refused() {
            return (status == 200 && bodyPreview.contains("\"error\"")) || (status >= 400 && status < 500);
        }

        /** 200 with no {@code error} anywhere in the preview. */
        boolean clean() {
            return status == 200 && !bodyPreview.contains("\"error\"");
        }

        @Override
        public String toString() {
            if (!answered()) {
                return "no answer (" + error + ")";
            }
            String b = bodyPreview.replace("\n", "\\n");
            return status + (retryAfter != null ? " Retry-After " + retryAfter : "") + " (" + bodyBytes + " B) "
                    + (b.length() > 300 ? b.substring(0, 300) + "..." : b);
        }
    }
}

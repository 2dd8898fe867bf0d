package io.raftlite.discovery.tck;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One request to the fake Consul: its decoded path and query, its body, and Consul's ways of answering
 * (JSON, a literal {@code true}/{@code false}, or a text error with a 4xx/5xx status).
 */
final class FakeConsulExchange {

    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    final HttpExchange http;
    final String method;
    final String path;
    final Map<String, String> query = new LinkedHashMap<>();

    private FakeConsulExchange(HttpExchange http) {
        this.http = http;
        this.method = http.getRequestMethod();
        this.path = http.getRequestURI().getPath();
        String raw = http.getRequestURI().getRawQuery();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String k = eq < 0 ? pair : pair.substring(0, eq);
                String v = eq < 0 ? "" : pair.substring(eq + 1);
                query.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            }
        }
    }

    /** What a handler of one path prefix does with a request. */
    interface Route {
        void serve(FakeConsulExchange x) throws IOException, InterruptedException;
    }

    /** Adapts a route to the JDK server: Consul's errors become text answers with their status. */
    static HttpHandler handler(Route route) {
        return http -> {
            FakeConsulExchange x = new FakeConsulExchange(http);
            try {
                String dc = x.query.get("dc");
                if (dc != null && !dc.isEmpty() && !dc.equals(FakeConsulAgent.DATACENTER)) {
                    throw new FakeConsulState.Failure(500, "No path to datacenter");
                }
                route.serve(x);
            } catch (FakeConsulState.Failure f) {
                x.text(f.status, f.getMessage());
            } catch (IllegalArgumentException e) {
                x.text(400, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                x.text(500, "interrupted");
            } catch (RuntimeException e) {
                x.text(500, "fake consul bug: " + e);
            } finally {
                http.close();
            }
        };
    }

    /** The request body, refused with 413 past {@code max} bytes. */
    byte[] body(int max) throws IOException {
        try (InputStream in = http.getRequestBody()) {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw new FakeConsulState.Failure(413, "Request body too large, max size: " + max + " bytes");
            }
            return b;
        }
    }

    Object jsonBody() throws IOException {
        byte[] b = body(4 * 1024 * 1024);
        try {
            return FakeConsulJson.parse(new String(b, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new FakeConsulState.Failure(400, "Request decode failed: " + e.getMessage());
        }
    }

    boolean has(String param) {
        return query.containsKey(param);
    }

    /** An unsigned integer query parameter; 400 with Consul's wording when it is not one. */
    long number(String param, String what) {
        String v = query.get(param);
        if (v == null) {
            return 0;
        }
        try {
            return Long.parseUnsignedLong(v);
        } catch (NumberFormatException e) {
            throw new FakeConsulState.Failure(400, "Invalid " + what + ": " + v);
        }
    }

    /** A blocking query's wait: Consul's default 5 minutes, at most 10 minutes. */
    Duration waitTime() {
        String v = query.get("wait");
        if (v == null || v.isEmpty()) {
            return Duration.ofMinutes(5);
        }
        Duration d = goDuration(v, "wait time");
        return d.compareTo(Duration.ofMinutes(10)) > 0 ? Duration.ofMinutes(10) : d;
    }

    /** Parses a Go duration ("10s", "1m30s", "500ms"); a bare number means seconds. */
    static Duration goDuration(String v, String what) {
        if (v.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        Matcher m = GO_DURATION.matcher(v);
        long nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double n = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos += (long) (n * unit);
            end = m.end();
        }
        if (end == 0 || end != v.length()) {
            throw new FakeConsulState.Failure(400, "Invalid " + what + ": \"" + v + "\"");
        }
        return Duration.ofNanos(nanos);
    }

    /** Headers Consul sets on every read. */
    void readHeaders(long index) {
        http.getResponseHeaders().set("X-Consul-Index", Long.toString(index));
        http.getResponseHeaders().set("X-Consul-KnownLeader", "true");
        http.getResponseHeaders().set("X-Consul-LastContact", "0");
    }

    void json(int status, Object value) throws IOException {
        send(status, "application/json", FakeConsulJson.write(value).getBytes(StandardCharsets.UTF_8));
    }

    void bool(boolean value) throws IOException {
        json(200, value);
    }

    void text(int status, String message) throws IOException {
        send(status, "text/plain; charset=utf-8", message.getBytes(StandardCharsets.UTF_8));
    }

    void send(int status, String contentType, byte[] body) throws IOException {
        http.getResponseHeaders().set("Content-Type", contentType);
        http.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = http.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Consul's answer to a path it does not serve. */
    void notFound() throws IOException {
        text(404, "Not Found");
    }

    void methodNotAllowed() throws IOException {
        http.getResponseHeaders().set("Allow", "GET, PUT, DELETE");
        text(405, "method " + method + " not allowed");
    }
}

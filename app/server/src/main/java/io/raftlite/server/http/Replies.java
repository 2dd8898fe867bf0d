package io.raftlite.server.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;

import java.util.List;
import java.util.Map;

/** Converts between Micronaut's request/response types and the framework-free {@link Reply}. */
final class Replies {

    private Replies() {
    }

    static MutableHttpResponse<byte[]> toHttp(Reply reply) {
        MutableHttpResponse<byte[]> response = HttpResponse.<byte[]>status(
                io.micronaut.http.HttpStatus.valueOf(reply.status())).body(reply.body());
        response.contentType(reply.contentType());
        reply.headers().forEach(response::header);
        return response;
    }

    static Map<String, List<String>> params(HttpRequest<?> request) {
        return request.getParameters().asMap();
    }

    /** The request target as the client sent it, path and query, for rqlite's {@code redirect}. */
    static String target(HttpRequest<?> request) {
        java.net.URI uri = request.getUri();
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    static String contentType(HttpRequest<?> request) {
        return request.getHeaders().get("Content-Type");
    }

    /** At most 64 characters of a client's text, for an error message. */
    static String clip(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}

package io.raftlite.server.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * rqlite answers {@code OPTIONS} on any path with 200 and the methods it allows (CORS preflight). A filter
 * rather than a catch-all route, so that unknown paths still get 404 and wrong methods 405.
 */
@ServerFilter("/**")
class OptionsFilter {

    @RequestFilter
    @Nullable
    HttpResponse<?> options(HttpRequest<?> request) {
        if (request.getMethod() != HttpMethod.OPTIONS) {
            return null;
        }
        return HttpResponse.ok().header("Access-Control-Allow-Methods", "OPTIONS, GET, POST");
    }
}

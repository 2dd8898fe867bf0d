package io.raftlite.server.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/** {@code /status}, {@code /nodes}, {@code /leader} and {@code /readyz}, rendered by {@link StatusApi}. */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class StatusController {

    private final StatusApi api;

    StatusController(StatusApi api) {
        this.api = api;
    }

    @Get(uri = "/status", produces = MediaType.ALL)
    HttpResponse<byte[]> status(HttpRequest<?> request) {
        return Replies.toHttp(api.status(Replies.params(request)));
    }

    @Get(uri = "/nodes", produces = MediaType.ALL)
    HttpResponse<byte[]> nodes(HttpRequest<?> request) {
        return Replies.toHttp(api.nodes(Replies.params(request)));
    }

    @Get(uri = "/leader", produces = MediaType.ALL)
    HttpResponse<byte[]> leader(HttpRequest<?> request) {
        return Replies.toHttp(api.leader(Replies.params(request)));
    }

    @Get(uri = "/readyz", produces = MediaType.ALL)
    HttpResponse<byte[]> readyz(HttpRequest<?> request) {
        return Replies.toHttp(api.readyz(Replies.params(request)));
    }
}

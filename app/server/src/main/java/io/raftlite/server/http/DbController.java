package io.raftlite.server.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/** rqlite's data endpoints; all work happens in {@link DataApi} on the blocking executor. */
@Controller("/db")
@ExecuteOn(TaskExecutors.BLOCKING)
class DbController {

    private final DataApi api;

    DbController(DataApi api) {
        this.api = api;
    }

    @Post(uri = "/execute", consumes = MediaType.ALL, produces = MediaType.ALL)
    HttpResponse<byte[]> execute(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return Replies.toHttp(api.execute(Replies.target(request), Replies.params(request), body, Replies.contentType(request)));
    }

    @Get(uri = "/query", produces = MediaType.ALL)
    HttpResponse<byte[]> queryGet(HttpRequest<?> request) {
        return Replies.toHttp(api.query(Replies.target(request), Replies.params(request), null, null, true));
    }

    @Post(uri = "/query", consumes = MediaType.ALL, produces = MediaType.ALL)
    HttpResponse<byte[]> queryPost(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return Replies.toHttp(api.query(Replies.target(request), Replies.params(request), body, Replies.contentType(request), false));
    }

    @Post(uri = "/request", consumes = MediaType.ALL, produces = MediaType.ALL)
    HttpResponse<byte[]> request(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return Replies.toHttp(api.request(Replies.target(request), Replies.params(request), body, Replies.contentType(request)));
    }

    @Post(uri = "/load", consumes = MediaType.ALL, produces = MediaType.ALL)
    HttpResponse<byte[]> load(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return Replies.toHttp(api.load(Replies.target(request), Replies.params(request), body));
    }
}

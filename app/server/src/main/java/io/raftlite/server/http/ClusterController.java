package io.raftlite.server.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/** {@code DELETE /remove}, done by {@link RemoveApi} on the blocking executor. */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class ClusterController {

    private final RemoveApi api;

    ClusterController(RemoveApi api) {
        this.api = api;
    }

    @Delete(uri = "/remove", consumes = MediaType.ALL, produces = MediaType.ALL)
    HttpResponse<byte[]> remove(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return Replies.toHttp(api.remove(Replies.target(request), Replies.params(request), body));
    }
}

package io.raftlite.server.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.nio.charset.StandardCharsets;

/** {@code DELETE /remove} and {@code POST /leader}, done by {@link RemoveApi} and {@link StepdownApi} on the blocking executor. */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class ClusterController {

    private final RemoveApi api;
    private final StepdownApi stepdown;

    ClusterController(RemoveApi api, StepdownApi stepdown) {
        this.api = api;
        this.stepdown = stepdown;
    }

    /**
     * A 404 is thrown, not returned: Micronaut 4.10 can spin forever, allocating until the heap is gone, when a
     * controller returns a raw 404 response to a request with a body (a race: micronaut-core#12940,
     * kestra#17620). Thrown as {@link HttpStatusException}, {@link ErrorController} writes the same reply.
     */
    @Delete(uri = "/remove", consumes = MediaType.ALL, produces = MediaType.ALL)
    HttpResponse<byte[]> remove(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return orThrow404(api.remove(Replies.target(request), Replies.params(request), body));
    }

    /** rqlite's stepdown; see {@link StepdownApi}. */
    @Post(uri = "/leader", consumes = MediaType.ALL, produces = MediaType.ALL)
    HttpResponse<byte[]> stepdown(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return orThrow404(stepdown.stepdown(Replies.target(request), Replies.params(request), body));
    }

    private static HttpResponse<byte[]> orThrow404(Reply reply) {
        if (reply.status() == HttpStatus.NOT_FOUND.getCode()) {
            throw new HttpStatusException(HttpStatus.NOT_FOUND, new String(reply.body(), StandardCharsets.UTF_8).strip());
        }
        return Replies.toHttp(reply);
    }
}

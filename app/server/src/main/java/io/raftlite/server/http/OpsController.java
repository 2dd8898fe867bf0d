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

/**
 * rqlite's {@code POST /snapshot}, {@code POST /reap} ({@link SnapshotApi}) and {@code /db/sql}
 * ({@link SqlPreviewApi}), on the blocking executor; other methods get 405 as everywhere.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class OpsController {

    private final SnapshotApi snapshots;
    private final SqlPreviewApi preview;

    OpsController(SnapshotApi snapshots, io.raftlite.server.edge.ConnectionGuard edge) {
        this.snapshots = snapshots;
        this.preview = new SqlPreviewApi(edge.budget());
    }

    @Post(uri = "/snapshot", consumes = MediaType.ALL, produces = MediaType.ALL)
    HttpResponse<byte[]> snapshot(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return Replies.toHttp(snapshots.snapshot(Replies.params(request)));
    }

    @Post(uri = "/reap", consumes = MediaType.ALL, produces = MediaType.ALL)
    HttpResponse<byte[]> reap(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return Replies.toHttp(snapshots.reap(Replies.params(request)));
    }

    @Get(uri = "/db/sql", produces = MediaType.ALL)
    HttpResponse<byte[]> sqlGet(HttpRequest<?> request) {
        return Replies.toHttp(preview.preview(Replies.params(request), null, null, true));
    }

    @Post(uri = "/db/sql", consumes = MediaType.ALL, produces = MediaType.ALL)
    HttpResponse<byte[]> sqlPost(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return Replies.toHttp(preview.preview(Replies.params(request), body, Replies.contentType(request), false));
    }
}

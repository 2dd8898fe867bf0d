package io.raftlite.server.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;

import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /db/watch} (docs/watch.md). Not on the blocking executor: nothing here blocks, and a waiting
 * watch is a future completed by the apply thread or its timer, so it holds no thread.
 */
@Controller("/db")
class WatchController {

    private final WatchApi api;

    WatchController(WatchApi api) {
        this.api = api;
    }

    @Get(uri = "/watch", produces = MediaType.ALL)
    CompletableFuture<HttpResponse<?>> watch(HttpRequest<?> request) {
        if (request.getHeaders().accept().stream().anyMatch(t -> t.matches(MediaType.TEXT_EVENT_STREAM_TYPE)
                && !"*".equals(t.getType()))) {
            Reply[] refusal = new Reply[1];
            WatchStream stream = api.stream(Replies.params(request), connection(request), refusal);
            return CompletableFuture.completedFuture(stream == null ? Replies.toHttp(refusal[0])
                    : HttpResponse.ok(stream).contentType(MediaType.TEXT_EVENT_STREAM_TYPE)
                            .header("Cache-Control", "no-cache"));
        }
        return api.watch(Replies.params(request), connection(request)).thenApply(Replies::toHttp);
    }

    /** The request's Netty channel: its close ends the watch (without it a gone client kept its place). */
    private static WatchApi.Connection connection(HttpRequest<?> request) {
        if (!(request instanceof NettyHttpRequest<?> netty)) {
            return WatchApi.Connection.NONE;
        }
        ChannelFuture closed = netty.getChannelHandlerContext().channel().closeFuture();
        return action -> {
            ChannelFutureListener listener = f -> action.run();
            closed.addListener(listener);
            return () -> closed.removeListener(listener);
        };
    }
}

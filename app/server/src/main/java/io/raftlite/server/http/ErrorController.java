package io.raftlite.server.http;

import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.web.router.exceptions.UnsatisfiedRouteException;
import io.netty.handler.codec.compression.DecompressionException;
import io.raftlite.core.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Framework-level errors as short plain-text answers instead of Micronaut's JSON error documents.
 * Only a bug of ours reaches {@link #bug} as such; it is logged with its stack trace and answered 500. A store
 * failure that arrives there wrapped, or a Ratis or gRPC failure that no store path mapped, is answered as
 * {@link #store} does (503), in one log line.
 */
@Controller
class ErrorController {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorController.class);

    @Error(status = HttpStatus.NOT_FOUND, global = true)
    HttpResponse<byte[]> notFound() {
        return Replies.toHttp(Reply.text(404, "not found"));
    }

    @Error(status = HttpStatus.METHOD_NOT_ALLOWED, global = true)
    HttpResponse<byte[]> methodNotAllowed() {
        return Replies.toHttp(Reply.text(405, "method not allowed"));
    }

    @Error(status = HttpStatus.UNSUPPORTED_MEDIA_TYPE, global = true)
    HttpResponse<byte[]> unsupportedMediaType() {
        return Replies.toHttp(Reply.text(415, "unsupported media type"));
    }

    @Error(exception = ContentLengthExceededException.class, global = true)
    HttpResponse<byte[]> tooLarge(ContentLengthExceededException e) {
        return Replies.toHttp(Reply.text(413, "request body too large"));
    }

    @Error(exception = ConversionErrorException.class, global = true)
    HttpResponse<byte[]> conversion(ConversionErrorException e) {
        return Replies.toHttp(Reply.text(400, "bad request"));
    }

    @Error(exception = UnsatisfiedRouteException.class, global = true)
    HttpResponse<byte[]> unsatisfied(UnsatisfiedRouteException e) {
        return Replies.toHttp(Reply.text(400, "bad request"));
    }

    @Error(exception = HttpStatusException.class, global = true)
    HttpResponse<byte[]> status(HttpStatusException e) {
        int code = e.getStatus().getCode();
        return Replies.toHttp(Reply.text(code, e.getMessage() == null ? e.getStatus().getReason() : e.getMessage()));
    }

    /** A body sent with {@code Content-Encoding: gzip} or {@code deflate} that is not valid in that encoding. */
    @Error(exception = DecompressionException.class, global = true)
    HttpResponse<byte[]> badEncoding(DecompressionException e) {
        return Replies.toHttp(Reply.text(400, "request body does not match its Content-Encoding: " + e.getMessage()));
    }

    /**
     * The cluster's transient state on an endpoint that does not map it itself ({@code /nodes}, {@code /db/backup},
     * {@code /status}): 503, or 413 for a request too large for one log entry.
     */
    @Error(exception = StoreException.class, global = true)
    HttpResponse<byte[]> store(StoreException e) {
        return Replies.toHttp(switch (e.reason()) {
            case NO_LEADER, NOT_LEADER -> Reply.text(503, "leader not found");
            case TOO_LARGE -> Reply.text(413, e.getMessage());
            case NOT_FOUND -> Reply.text(404, e.getMessage());
            case INVALID -> Reply.text(400, e.getMessage());
            case TIMEOUT, UNAVAILABLE -> Reply.text(503, e.getMessage());
        });
    }

    @Error(global = true)
    HttpResponse<byte[]> bug(HttpRequest<?> request, Throwable e) {
        if (StoreException.classify(e) instanceof StoreException s) { // the cluster's state, wrapped or unmapped
            LOG.warn("{} {}: {} ({})", request.getMethod(), request.getPath(), s.getMessage(), s.reason());
            return store(s);
        }
        LOG.error("internal error serving {} {}", request.getMethod(), request.getPath(), e);
        return Replies.toHttp(Reply.text(500, "internal error: " + e.getClass().getSimpleName()));
    }
}

package io.raftlite.server.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1 connection's guard, right behind the codec (requests arrive as a head, then body chunks): its
 * deadlines, the {@code Content-Encoding} check and the body budget. A connection always has one deadline except
 * while the node serves a request: idle between requests (idle-timeout), a head being sent (header-timeout from
 * its first byte, or from the connection's opening), a body being sent (idle-timeout since its last bytes). A
 * request the node takes long to answer is never cut. Runs on the connection's event loop
 * only, so its fields need no locking. {@link #firstByte} goes in front of the codec: a request head's first
 * byte starts the deadline for the rest of it.
 */
final class RequestGuard extends ChannelDuplexHandler {

    /** Codings Micronaut decodes (an invalid body in one of them is 400 in ErrorController); identity is none. */
    static final Set<String> ENCODINGS = Set.of("gzip", "x-gzip", "deflate", "x-deflate", "identity");

    private final BodyBudget budget;
    private final long maxBody;
    private final Duration headerTimeout;
    private final Duration idleTimeout;
    private final RateLimitedLog slowLog;
    /** What each request forwarded to Micronaut reserved, oldest first, until its final response is written. */
    private final ArrayDeque<Long> reserved = new ArrayDeque<>();
    /** The one deadline this connection has now: for its idle wait, its head or its body (none while served). */
    private ScheduledFuture<?> deadline;
    /** Between a request head and the end of its body. */
    private boolean receiving;
    /** Bytes of a request head have arrived, but not all of it. */
    private boolean headStarted;
    /** The body of a refused request is being read and dropped; the connection closes at its end. */
    private boolean discarding;
    /** A 1xx response (100 Continue) was written as a head alone: its end is not a final response. */
    private boolean informational;

    RequestGuard(BodyBudget budget, long maxBody, Duration headerTimeout, Duration idleTimeout,
                 RateLimitedLog slowLog) {
        this.budget = budget;
        this.maxBody = maxBody;
        this.headerTimeout = headerTimeout;
        this.idleTimeout = idleTimeout;
        this.slowLog = slowLog;
    }

    /**
     * The handler to put in front of the codec, which sees raw bytes: a head's first byte starts its deadline
     * (header-timeout, fixed), and each read of a body restarts the body's (idle-timeout).
     */
    final ChannelInboundHandlerAdapter firstByte = new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf b && b.isReadable()) {
                if (receiving) {
                    arm(ctx, idleTimeout, "sent no body bytes for");
                } else if (!headStarted) {
                    headStarted = true;
                    arm(ctx, headerTimeout, "sent no complete request head within");
                }
            }
            ctx.fireChannelRead(msg);
        }
    };

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // a new connection has header-timeout to send its first request head
        arm(ctx, headerTimeout, "sent no complete request head within");
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
        reserved.forEach(budget::release);
        reserved.clear();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        handlerRemoved(ctx);
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            headStarted = false;
            receiving = !(msg instanceof LastHttpContent);
            if (receiving) {
                arm(ctx, idleTimeout, "sent no body bytes for");
            } else {
                cancelDeadline();
            }
            admit(ctx, request);
            return;
        }
        if (msg instanceof LastHttpContent) {
            receiving = false;
            if (reserved.isEmpty()) { // already answered (Micronaut may answer before the end of a GET)
                arm(ctx, idleTimeout, "was idle for");
            } else {
                cancelDeadline(); // being served: the node's own time (the apply timeout bounds a write)
            }
        }
        if (discarding && msg instanceof HttpContent content) {
            content.release();
            if (content instanceof LastHttpContent) {
                ctx.close();
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** Forwards the request to Micronaut with its body's bytes reserved, or answers it here. */
    private void admit(ChannelHandlerContext ctx, HttpRequest request) {
        if (request.decoderResult().isFailure()) { // Micronaut answers a malformed request itself
            reserved.add(0L);
            ctx.fireChannelRead(request);
            return;
        }
        String coding = unknownCoding(request);
        if (coding != null) {
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST, "unsupported Content-Encoding '" + coding
                    + "': send the body as is, or gzip or deflate it");
            return;
        }
        long bytes = bodyBytes(request);
        if (!budget.tryReserve(bytes)) {
            refuse(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "too many request bodies in flight ("
                    + budget.limit() + " bytes); retry shortly");
            return;
        }
        reserved.add(bytes);
        ctx.fireChannelRead(request);
    }

    /**
     * The bytes to reserve: the declared length; for a chunked body, the largest body allowed (its length is
     * unknown until it ends). Nothing for a declared length over the limit: Micronaut answers 413 without
     * reading it.
     */
    private long bodyBytes(HttpRequest request) {
        if (HttpUtil.isTransferEncodingChunked(request)) {
            return Math.min(maxBody, budget.limit());
        }
        long length = HttpUtil.getContentLength(request, 0L);
        return length > maxBody || length < 0 ? 0 : length;
    }

    static String unknownCoding(HttpRequest request) {
        String value = request.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        if (value == null) {
            return null;
        }
        for (String coding : value.split(",")) {
            String c = coding.trim().toLowerCase(Locale.ROOT);
            if (!c.isEmpty() && !ENCODINGS.contains(c)) {
                return coding.trim();
            }
        }
        return null;
    }

    /**
     * Answers here and closes the connection: at once when no body follows (none declared, or the client waits
     * for 100 Continue), else once the body has been read and dropped, so the client sees the answer rather
     * than a reset.
     */
    private void refuse(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status, String text) {
        ByteBuf body = Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (status == HttpResponseStatus.SERVICE_UNAVAILABLE) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        boolean bodyFollows = receiving && !HttpUtil.is100ContinueExpected(request);
        discarding = bodyFollows;
        var written = ctx.writeAndFlush(response);
        if (!bodyFollows) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            informational = !(msg instanceof LastHttpContent);
        } else if (msg instanceof LastHttpContent) {
            if (informational) {
                informational = false;
            } else {
                Long bytes = reserved.poll();
                if (bytes != null) {
                    budget.release(bytes);
                }
                if (reserved.isEmpty() && !receiving && !headStarted) {
                    arm(ctx, idleTimeout, "was idle for"); // a kept-alive connection waits this long for more
                }
            }
        }
        super.write(ctx, msg, promise);
    }

    /** Closes the connection after {@code timeout} unless another deadline (or none) replaces this one first. */
    private void arm(ChannelHandlerContext ctx, Duration timeout, String what) {
        cancelDeadline();
        ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
        self[0] = ctx.executor().schedule(() -> {
            if (deadline == self[0] && ctx.channel().isActive()) {
                deadline = null;
                slowLog.warn("closed an HTTP connection that " + what + " " + timeout.toMillis()
                        + " ms (-http-header-timeout, -http-idle-timeout)");
                ctx.close();
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        deadline = self[0];
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}

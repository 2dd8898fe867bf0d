package io.raftlite.server.edge;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.raftlite.server.config.HttpLimits;
import io.raftlite.server.config.NodeSettings;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Registers the edge with Micronaut's Netty server: the connection cap, and a {@link RequestGuard} on every
 * HTTP/1 connection. One instance per node; {@link #open()} and {@link #budget()} are what it holds right now.
 */
@Singleton
public final class ConnectionGuard implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

    /** File descriptors left to the node itself by the automatic cap: jars, Raft log and sockets, SQLite. */
    static final int OWN_FDS = 256;
    static final int MAX_AUTO_CONNECTIONS = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    /**
     * HTTP connections allocate from the heap, unpooled (a pool would keep its chunks of the 64 MiB heap). Micronaut buffers a request body in a composite buffer from the
     * channel's allocator, which it consolidates into ever larger buffers as chunks arrive; from Netty's default
     * (pooled, direct) allocator a body pinned several times its size in direct memory: one 7.9 MiB body was never
     * answered with -XX:MaxDirectMemorySize=32m (the allocation failure is lost inside the server). On the heap
     * the same body costs its size about twice, which the body budget bounds. Socket reads still use small
     * direct buffers (Netty's I/O buffers), released as their bytes are copied.
     */
    private static final io.netty.buffer.ByteBufAllocator HEAP = new io.netty.buffer.UnpooledByteBufAllocator(false);

    private final int maxConnections;
    private final long maxBody;
    private final Duration headerTimeout;
    private final Duration idleTimeout;
    private final BodyBudget budget;
    private final AtomicInteger open = new AtomicInteger();
    private final RateLimitedLog capLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
    private final RateLimitedLog slowLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
    private final RateLimitedLog acceptLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));

    public ConnectionGuard(NodeSettings settings) {
        HttpLimits limits = settings.httpLimits();
        this.maxConnections = limits.maxConnections() > 0 ? limits.maxConnections() : autoCap(openFileLimit());
        this.maxBody = settings.maxBodyBytes();
        this.headerTimeout = limits.headerTimeout();
        this.idleTimeout = limits.idleTimeout();
        this.budget = new BodyBudget(limits.bodyBudgetBytes());
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        event.getBean().register(new Customizer(null));
        LOG.debug("HTTP edge: at most {} connections, {} body bytes in flight", maxConnections, budget.limit());
        return event.getBean();
    }

    public int maxConnections() {
        return maxConnections;
    }

    public int open() {
        return open.get();
    }

    public BodyBudget budget() {
        return budget;
    }

    /**
     * Half of what the open-file limit leaves beside the node's own files, between 16 and
     * {@link #MAX_AUTO_CONNECTIONS}: half, because a connection's descriptor is released some time after its
     * close is reported (measured: accepting failed with only 401 of 768 connections open, when 768 closed at
     * once at their header deadline and their places were refilled), so closing and new connections can
     * briefly hold twice the cap.
     */
    static int autoCap(long openFileLimit) {
        return (int) Math.max(16, Math.min(MAX_AUTO_CONNECTIONS, (openFileLimit - OWN_FDS) / 2));
    }

    private static long openFileLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            return os.getMaxFileDescriptorCount();
        }
        return 1024;
    }

    /**
     * On the listener, in front of Netty's acceptor, on the listener's event loop: counts each accepted
     * connection. At the cap the listener stops accepting (auto-read off), so further clients wait in the
     * kernel's listen backlog, which costs the process no file descriptor; it accepts again once a connection
     * closes. A connection accepted in the same read burst as the one that reached the cap is closed at once.
     */
    private final class Admission extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof Channel child)) {
                ctx.fireChannelRead(msg);
                return;
            }
            Channel listener = ctx.channel();
            if (open.get() >= maxConnections) {
                listener.config().setAutoRead(false);
                child.unsafe().closeForcibly();
                capLog.warn("closed a new HTTP connection: " + maxConnections + " are open (-http-max-conns)");
                return;
            }
            open.incrementAndGet();
            child.closeFuture().addListener(f -> {
                open.decrementAndGet();
                listener.eventLoop().execute(() -> {
                    if (open.get() < maxConnections && listener.isOpen() && !listener.config().isAutoRead()) {
                        listener.config().setAutoRead(true);
                    }
                });
            });
            if (open.get() >= maxConnections) {
                listener.config().setAutoRead(false);
                capLog.warn("HTTP connection cap reached (" + maxConnections + " open, -http-max-conns): new"
                        + " connections wait until one closes");
            }
            ctx.fireChannelRead(child);
        }
    }

    /**
     * Accept failures (the process out of file descriptors, e.g. to something other than HTTP connections),
     * after Netty's acceptor has paused accepting for a second: one rate-limited line instead of Netty's
     * warning per failure (1,760 lines in 10 s before the cap).
     */
    private final class AcceptErrors extends ChannelInboundHandlerAdapter {

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            acceptLog.warn("accepting an HTTP connection failed: " + cause + " (" + open.get() + " open)");
        }
    }

    /** Specialized per connection: the channel whose pipeline it completes. */
    private final class Customizer implements NettyServerCustomizer {

        private final Channel channel;

        Customizer(Channel channel) {
            this.channel = channel;
        }

        @Override
        public NettyServerCustomizer specializeForChannel(Channel ch, ChannelRole role) {
            if (role == ChannelRole.LISTENER) {
                ch.pipeline().addFirst("raftlite-admission", new Admission());
                // behind Netty's acceptor, which ServerBootstrap adds in a task queued right after this call
                ch.eventLoop().execute(() -> ch.eventLoop().execute(
                        () -> ch.pipeline().addLast("raftlite-accept-errors", new AcceptErrors())));
                return this;
            }
            if (role != ChannelRole.CONNECTION) {
                return this;
            }
            ch.config().setAllocator(HEAP);
            return new Customizer(ch);
        }

        @Override
        public void onStreamPipelineBuilt() {
            if (channel == null || !channel.isOpen()) {
                return;
            }
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC) == null) {
                return; // HTTP/2 or HTTP/3: not served by raftlite (plain HTTP/1 on loopback or a private net)
            }
            if (pipeline.get(ChannelPipelineCustomizer.HANDLER_IDLE_STATE) != null) {
                // Micronaut's idle handler closes a connection whose request is still being served; ours does not
                pipeline.remove(ChannelPipelineCustomizer.HANDLER_IDLE_STATE);
            }
            RequestGuard guard = new RequestGuard(budget, maxBody, headerTimeout, idleTimeout, slowLog);
            pipeline.addBefore(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC, "raftlite-first-byte", guard.firstByte);
            pipeline.addAfter(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC, "raftlite-request-guard", guard);
        }
    }
}

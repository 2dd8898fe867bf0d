package io.raftlite.server.systemd;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The datagram transport of {@code sd_notify(3)}: one Unix datagram per message to {@code $NOTIFY_SOCKET}, a
 * file-system path or, when it starts with {@code @}, a name in Linux's abstract namespace. Java 17 has no
 * AF_UNIX datagrams, so this uses Netty's epoll transport (the same Netty as Micronaut's HTTP server) on one
 * daemon thread. Each message gets its own socket, as libsystemd does, so a systemd that re-executed itself
 * is reached at its socket as it is now. Sends are asynchronous and in order; a failure is logged, never thrown.
 */
final class NotifySocket implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NotifySocket.class);
    static final String ENV = "NOTIFY_SOCKET";

    private final DomainSocketAddress address;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;

    private NotifySocket(DomainSocketAddress address) {
        this.address = address;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sd-notify", true),
                EpollIoHandler.newFactory());
        this.bootstrap = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new Discard());
    }

    /** The socket named by {@code $NOTIFY_SOCKET}, or null (logged once at DEBUG) when notifications are off. */
    static NotifySocket fromEnvironment(Map<String, String> env) {
        String value = env.get(ENV);
        if (value == null || value.isEmpty()) {
            LOG.debug("{} is not set: no readiness notifications to systemd", ENV);
            return null;
        }
        String path = socketPath(value);
        if (path == null) {
            LOG.debug("{}={} is not a Unix socket: no readiness notifications to systemd", ENV, value);
            return null;
        }
        if (!Epoll.isAvailable()) {
            LOG.debug("Netty's epoll transport is not available here ({}): no readiness notifications to systemd",
                    String.valueOf(Epoll.unavailabilityCause()));
            return null;
        }
        return new NotifySocket(new DomainSocketAddress(path));
    }

    /**
     * The socket address for a {@code $NOTIFY_SOCKET} value: a path as is, {@code @name} as the abstract name
     * {@code "\0name"}; null for what is not a Unix socket (systemd 254's {@code vsock:} addresses).
     */
    static String socketPath(String notifySocket) {
        if (notifySocket.startsWith("@")) {
            return notifySocket.length() > 1 ? "\0" + notifySocket.substring(1) : null;
        }
        return notifySocket.startsWith("/") ? notifySocket : null;
    }

    /**
     * Sends one message (lines such as {@code READY=1\nSTATUS=...}); returns at once with a future that
     * completes, never exceptionally, once the datagram was sent or dropped.
     */
    CompletableFuture<Void> send(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        CompletableFuture<Void> done = new CompletableFuture<>();
        ChannelFuture connect = bootstrap.connect(address);
        connect.addListener(connected -> {
            if (!connected.isSuccess()) {
                LOG.warn("cannot reach systemd at {}: {}", printable(), connected.cause().toString());
                if (connect.channel().isRegistered()) {
                    connect.channel().close();
                }
                done.complete(null);
                return;
            }
            Channel channel = connect.channel();
            channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(written -> {
                if (!written.isSuccess()) {
                    LOG.warn("cannot notify systemd at {}: {}", printable(), written.cause().toString());
                }
                channel.close();
                done.complete(null);
            });
        });
        return done;
    }

    /** Nothing comes back on a notification socket; one instance serves every channel. */
    @ChannelHandler.Sharable
    private static final class Discard extends ChannelInboundHandlerAdapter {
    }

    private String printable() {
        return address.path().replace('\0', '@');
    }

    /** Stops the thread (waits at most two seconds); wait for {@link #send}'s future first to deliver a message. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}

package io.raftlite.server.systemd;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What systemd does with {@code $NOTIFY_SOCKET}, for tests: a Unix datagram socket bound with Netty's epoll
 * channel (a path, or an abstract name written {@code @name}) that keeps every message it receives.
 */
public final class NotifyReceiver implements AutoCloseable {

    private final String notifySocket;
    private final EventLoopGroup group;
    private final Channel channel;
    private final LinkedBlockingQueue<String> pending = new LinkedBlockingQueue<>();
    private final List<String> all = new ArrayList<>();

    private NotifyReceiver(String notifySocket) throws InterruptedException {
        this.notifySocket = notifySocket;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("notify-receiver", true),
                EpollIoHandler.newFactory());
        this.channel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                        String message = packet.content().toString(StandardCharsets.UTF_8);
                        synchronized (all) {
                            all.add(message);
                        }
                        pending.add(message);
                    }
                })
                .bind(new DomainSocketAddress(NotifySocket.socketPath(notifySocket))).sync().channel();
    }

    /** Binds {@code notifySocket}, the value {@code $NOTIFY_SOCKET} will have ({@code /path} or {@code @name}). */
    public static NotifyReceiver bind(String notifySocket) throws InterruptedException {
        return new NotifyReceiver(notifySocket);
    }

    /** The value for {@code $NOTIFY_SOCKET}. */
    public String notifySocket() {
        return notifySocket;
    }

    /** The next message not taken yet, or null when none arrives within {@code timeout}. */
    public String next(Duration timeout) throws InterruptedException {
        return pending.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every message received so far, in order. */
    public List<String> received() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}

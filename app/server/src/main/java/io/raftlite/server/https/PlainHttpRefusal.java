package io.raftlite.server.https;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;

/**
 * In front of each HTTPS connection's TLS handler: when the first bytes a client sends are an HTTP request line
 * instead of a TLS record, it answers 400 with Go's text, as rqlite does ({@code curl http://} to an HTTPS node
 * says why it failed), and closes. Anything else passes to the TLS handler, and this handler leaves the pipeline.
 */
@Singleton
@Requires(bean = HttpsContext.class)
final class PlainHttpRefusal implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

    /** The content type byte of a TLS handshake record (RFC 8446, 5.1). */
    private static final int TLS_HANDSHAKE = 22;
    private static final byte[] ANSWER = ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Connection: close\r\nContent-Length: 48\r\n\r\nClient sent an HTTP request to an HTTPS server.\n")
            .getBytes(StandardCharsets.US_ASCII);

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        event.getBean().register(new Customizer());
        return event.getBean();
    }

    private static final class Customizer implements NettyServerCustomizer {

        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            if (role == ChannelRole.CONNECTION) {
                // first: the TLS handler is added behind it once Micronaut builds the connection's pipeline
                channel.pipeline().addFirst("raftlite-plain-http-refusal", new FirstBytes());
            }
            return this;
        }
    }

    private static final class FirstBytes extends ChannelInboundHandlerAdapter {

        private boolean refused;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (refused) {
                ReferenceCountUtil.release(msg); // the rest of the plain request, read before the close
                return;
            }
            if (msg instanceof ByteBuf buf && buf.isReadable() && isRequestLine(buf.getByte(buf.readerIndex()))) {
                refused = true;
                ReferenceCountUtil.release(msg);
                ctx.writeAndFlush(Unpooled.wrappedBuffer(ANSWER)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
        }

        /** An upper-case letter starts every HTTP method (GET, POST, ...); a TLS record starts with 20-24. */
        private static boolean isRequestLine(byte first) {
            return first != TLS_HANDSHAKE && first >= 'A' && first <= 'Z';
        }
    }
}

package io.raftlite.server.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A minimal HTTP/1.1 client over a Unix domain socket (socat forwards it to the node's port inside the node's
 * namespace): one connection per request ({@code Connection: close}), and the whole exchange is cut at the
 * timeout by closing the channel, which ends a read blocked on a paused node.
 */
final class UnixHttp {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "unix-http-timeouts");
        t.setDaemon(true);
        return t;
    });

    record Response(int status, String body) {
        byte[] bytes() {
            return body.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private UnixHttp() {
    }

    static Response get(Path socket, String pathAndQuery, Duration timeout) throws IOException {
        return exchange(socket, "GET", pathAndQuery, null, timeout);
    }

    static Response post(Path socket, String pathAndQuery, String json, Duration timeout) throws IOException {
        return exchange(socket, "POST", pathAndQuery, json.getBytes(StandardCharsets.UTF_8), timeout);
    }

    /** The body is kept byte for byte as ISO-8859-1 text, so a dump compares exactly ({@link Response#bytes()}). */
    static Response exchange(Path socket, String method, String pathAndQuery, byte[] body, Duration timeout)
            throws IOException {
        AtomicBoolean timedOut = new AtomicBoolean();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ScheduledFuture<?> cut = TIMER.schedule(() -> {
                timedOut.set(true);
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing is all we can do
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                StringBuilder head = new StringBuilder(method).append(' ').append(pathAndQuery)
                        .append(" HTTP/1.1\r\nHost: raftlite\r\nConnection: close\r\n");
                if (body != null) {
                    head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
                }
                head.append("\r\n");
                writeAll(ch, head.toString().getBytes(StandardCharsets.ISO_8859_1));
                if (body != null) {
                    writeAll(ch, body);
                }
                return readResponse(ch);
            } catch (IOException e) {
                if (timedOut.get()) {
                    throw new HttpTimeoutException(method + " " + pathAndQuery + " timed out after " + timeout);
                }
                throw e;
            } finally {
                cut.cancel(false);
            }
        }
    }

    private static void writeAll(SocketChannel ch, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Reads until the response is complete (Content-Length, the last chunk, or the end of the stream). */
    private static Response readResponse(SocketChannel ch) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (true) {
            buf.clear();
            int n = ch.read(buf);
            if (n > 0) {
                all.write(buf.array(), 0, n);
            }
            String text = all.toString(StandardCharsets.ISO_8859_1);
            Response complete = parse(text, n < 0);
            if (complete != null) {
                return complete;
            }
            if (n < 0) {
                throw new IOException("connection closed after " + text.length() + " bytes without a full response");
            }
        }
    }

    private static Response parse(String text, boolean ended) throws IOException {
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            return null;
        }
        String[] lines = text.substring(0, headEnd).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + lines[0]);
        }
        int status = Integer.parseInt(statusLine[1]);
        long length = -1;
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i].toLowerCase(Locale.ROOT);
            if (l.startsWith("content-length:")) {
                length = Long.parseLong(l.substring("content-length:".length()).strip());
            } else if (l.startsWith("transfer-encoding:") && l.contains("chunked")) {
                chunked = true;
            }
        }
        String rest = text.substring(headEnd + 4);
        if (chunked) {
            String decoded = dechunk(rest);
            return decoded == null ? null : new Response(status, decoded);
        }
        if (length >= 0) {
            return rest.length() >= length ? new Response(status, rest.substring(0, (int) length)) : null;
        }
        return ended ? new Response(status, rest) : null;
    }

    /** The decoded body, or null while the last chunk has not arrived. */
    private static String dechunk(String rest) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = rest.indexOf("\r\n", at);
            if (lineEnd < 0) {
                return null;
            }
            int size = Integer.parseInt(rest.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                return out.toString();
            }
            int start = lineEnd + 2;
            if (rest.length() < start + size + 2) {
                return null;
            }
            out.append(rest, start, start + size);
            at = start + size + 2;
        }
    }
}

package io.raftlite.server.edge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 over a plain socket, for requests no HTTP client would send (partial heads, held bodies). */
final class RawHttp implements AutoCloseable {

    final Socket socket;

    RawHttp(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(30_000);
    }

    RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** A request head with a body of {@code bodyLength} bytes announced (the body is sent separately). */
    static String post(String path, int bodyLength, String... headers) {
        return "POST " + path + " HTTP/1.1\r\nHost: raftlite\r\nContent-Type: application/json\r\nContent-Length: "
                + bodyLength + "\r\n" + String.join("", headers) + "\r\n";
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: raftlite\r\n\r\n";
    }

    /** One response: status line, headers and a Content-Length body; throws when the connection closed first. */
    String response() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head.size() + " bytes of a response");
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** True when the server closed the connection (end of stream or reset) before {@code timeoutMillis}. */
    boolean closedWithin(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    static int freePort(String host) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

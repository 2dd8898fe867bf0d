package io.raftlite.server.cli;

import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * A tiny HTTP server on 127.0.19.x that plays a node for the CLI's unit tests: it records every request and
 * answers each with the next canned reply (the last one repeats).
 */
final class StubNode implements AutoCloseable {

    record Request(String method, String uri, String contentType, String authorization, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    record Reply(int status, String body, Map<String, String> headers) {
        static Reply json(String body) {
            return new Reply(200, body, Map.of("Content-Type", "application/json"));
        }
    }

    final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private volatile Reply last = Reply.json("{\"results\":[]}");
    private final HttpServer server;

    StubNode() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.19.2", 0), 16);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            Reply r = replies.poll();
            if (r == null) {
                r = last;
            } else {
                last = r;
            }
            r.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(r.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
            exchange.close();
        });
        server.start();
    }

    StubNode reply(Reply... next) {
        replies.addAll(List.of(next));
        return this;
    }

    String address() {
        return "127.0.19.2:" + server.getAddress().getPort();
    }

    /** Runs {@code raftlite <words>} against this stub (-H added) with the given environment and prompt answer. */
    Run run(Map<String, String> env, Function<String, String> prompt, String... words) {
        List<String> args = new ArrayList<>(List.of(words));
        args.addAll(1, List.of("-H", address()));
        return run(args, env, prompt);
    }

    /** Runs {@code raftlite <words>} as given (no -H added), with no environment and no terminal. */
    static Run runAlone(String... words) {
        return run(List.of(words), Map.of(), q -> null);
    }

    private static Run run(List<String> args, Map<String, String> env, Function<String, String> prompt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CliMain.run(args, new CliIo(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, prompt));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Run run(String... words) {
        return run(Map.of(), q -> null, words);
    }

    record Run(int code, String out, String err) {
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package io.raftlite.discovery.tck;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A Consul HTTP API server in plain JDK, for machines with no Consul. It follows Consul's documented
 * semantics for what it implements: the KV store ({@link FakeConsulKv}: cas, acquire/release, blocking
 * queries, 512 KB values), transactions ({@link FakeConsulTxn}), sessions with TTL, Behavior and
 * LockDelay ({@link FakeConsulSessions}), and the agent, status, catalog and health endpoints a client
 * library or a service registration touches ({@link FakeConsulAgent}). Anything else answers 404.
 *
 * <p>Sessions expire exactly at TTL × {@code ttlMultiplier} (default 1); real Consul may take up to 2×TTL.
 * One node ({@code fake-consul}), one datacenter ({@code dc1}), no ACLs, no consistency modes (every
 * read is a leader read).
 */
public final class FakeConsulServer implements AutoCloseable {

    /** The loopback address the fake binds; one of its own so it never collides with a test's nodes. */
    public static final String HOST = "127.0.0.81";
    static final String NODE = "fake-consul";

    private final FakeConsulState state;
    private final FakeConsulAgent agent = new FakeConsulAgent(NODE, HOST);
    private HttpServer server;
    private ExecutorService workers;
    private ScheduledExecutorService reaper;

    /** A server whose sessions expire exactly at their TTL. */
    public FakeConsulServer() {
        this(1.0);
    }

    /** @param ttlMultiplier how many TTLs an unrenewed session lives (Consul: up to 2) */
    public FakeConsulServer(double ttlMultiplier) {
        if (!(ttlMultiplier >= 1.0)) {
            throw new IllegalArgumentException("ttlMultiplier must be at least 1, got " + ttlMultiplier);
        }
        this.state = new FakeConsulState(ttlMultiplier);
    }

    /** Starts serving on {@link #HOST} and a free port; returns this. */
    public synchronized FakeConsulServer start() {
        return start(0);
    }

    /**
     * Starts serving on {@link #HOST} and {@code port} (0: a free one); after {@link #close()} this starts the
     * same server again with its data, like a Consul agent back from a restart.
     */
    public synchronized FakeConsulServer start(int port) {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        try {
            server = HttpServer.create(new InetSocketAddress(HOST, port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the fake Consul to " + HOST, e);
        }
        server.createContext("/v1/kv/", FakeConsulExchange.handler(new FakeConsulKv(state)));
        server.createContext("/v1/txn", FakeConsulExchange.handler(new FakeConsulTxn(state)));
        server.createContext(FakeConsulSessions.PREFIX,
                FakeConsulExchange.handler(new FakeConsulSessions(state, NODE, agent::hasCheck)));
        server.createContext("/", FakeConsulExchange.handler(agent));
        // blocking queries hold a thread each, so the pool grows with them
        workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-consul-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fake-consul-reaper");
            t.setDaemon(true);
            return t;
        });
        reaper.scheduleWithFixedDelay(state::reap, 20, 20, TimeUnit.MILLISECONDS);
        server.start();
        return this;
    }

    /** {@code 127.0.0.81:port}, what a Consul client's {@code address} setting takes. */
    public synchronized String address() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return HOST + ":" + server.getAddress().getPort();
    }

    /** The port the server listens on. */
    public synchronized int port() {
        return server.getAddress().getPort();
    }

    /** The services registered through {@code /v1/agent/service/register}, in registration order. */
    public List<FakeConsulService> registeredServices() {
        return agent.services();
    }

    /** Stops serving at once (held blocking queries are cut) and frees the port. */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        server.stop(0);
        reaper.shutdownNow();
        workers.shutdownNow();
        server = null;
    }
}

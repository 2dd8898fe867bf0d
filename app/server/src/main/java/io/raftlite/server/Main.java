package io.raftlite.server;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.runtime.server.EmbeddedServer;
import io.raftlite.core.node.NodeIdentity;
import io.raftlite.core.store.RaftStore;
import io.raftlite.server.config.HostPort;
import io.raftlite.server.config.NodeSettings;
import io.raftlite.server.config.SettingsResolver;
import io.raftlite.server.config.UsageException;
import io.raftlite.server.https.HttpsContext;
import io.raftlite.server.systemd.SystemdNotifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** {@code java -jar raftlite.jar [flags] [data-directory]}: runs one node until SIGTERM ({@code tls ...}: the CA commands; {@code query}, {@code status}, ...: the client, docs/cli.md). */
public final class Main {

    private static final AtomicBoolean STOPPING = new AtomicBoolean();
    private static final AtomicReference<ApplicationContext> RUNNING = new AtomicReference<>();
    /** Whether this JVM is the node's process ({@link #main}), which a failed start ends. */
    private static final java.util.concurrent.atomic.AtomicBoolean AS_PROCESS = new java.util.concurrent.atomic.AtomicBoolean();

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("tls")) {
            System.exit(io.raftlite.server.tls.TlsCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length),
                    java.nio.file.Path.of(""), System.out, System.err));
            return;
        }
        if (args.length > 0 && io.raftlite.server.cli.CliMain.COMMANDS.contains(args[0])) {
            System.exit(io.raftlite.server.cli.CliMain.run(args)); // client commands: no Micronaut, no store
            return;
        }
        SettingsResolver.Outcome outcome;
        try {
            outcome = SettingsResolver.resolve(args, System.getenv());
        } catch (UsageException e) {
            exit(2, e.getMessage());
            return;
        }
        if (outcome instanceof SettingsResolver.Help) {
            System.out.print(SettingsResolver.help());
            return;
        }
        if (outcome instanceof SettingsResolver.Version) {
            System.out.println("raftlite " + NodeInfo.buildVersion());
            return;
        }
        NodeSettings settings = ((SettingsResolver.Run) outcome).settings();
        if (settings.discovery() != null && settings.discovery().reset()) {
            int code = DiscoveryReset.run(settings.discovery(), settings.clusterName(), settings.raftTls(), System.out,
                    System.err);
            System.exit(code);
            return;
        }
        SystemdNotifier notifier = SystemdNotifier.fromEnvironment(System.getenv());
        exitCleanlyOn("TERM", notifier);
        exitCleanlyOn("INT", notifier);
        AS_PROCESS.set(true);
        try {
            RUNNING.set(start(settings, notifier));
        } catch (RuntimeException e) {
            exitOnStartFailure(e);
        }
    }

    private static void exitOnStartFailure(Exception e) {
        if (e instanceof NodeIdentity.IdentityException) {
            exit(2, e.getMessage());
        } else if (e instanceof UncheckedIOException || e instanceof IllegalStateException) {
            exit(1, e.getMessage());
        } else {
            exit(1, "could not start: " + rootMessage(e));
        }
    }

    /**
     * The node could not get into its cluster after its HTTP API started ({@link ClusterFormation}): the process
     * exits as a failed start does (1, with the reason); a node started in another program's JVM logs it.
     */
    static void failedToForm(Exception e) {
        Log.LOG.error("could not join or form the cluster: {}", rootMessage(e));
        if (AS_PROCESS.get()) {
            exitOnStartFailure(e);
        }
    }

    /** Starts a node in this JVM; the returned context stops it when closed. */
    public static ApplicationContext start(NodeSettings settings) {
        return start(settings, SystemdNotifier.fromEnvironment(System.getenv()));
    }

    /**
     * Starts a node that tells systemd how it is doing through {@code notifier}: progress while it joins or
     * forms its cluster, then READY=1 once the HTTP API listens and the node is ready.
     */
    static ApplicationContext start(NodeSettings settings, SystemdNotifier notifier) {
        io.raftlite.server.logging.LogLevels.apply(settings.ops());
        // Ratis ends the JVM with a stack trace when its port is taken; say it in one line instead.
        checkFree("-raft-addr", settings.raftAddr());
        checkFree("-http-addr", settings.httpAddr());
        // bad TLS files stop the node here, with one line, before the store joins or forms anything
        HttpsContext https = settings.httpTls().enabled()
                ? HttpsContext.load(settings.httpTls()) : null;
        DataDirectory.prepare(settings.dataDir());
        String nodeId = NodeIdentity.resolve(settings.dataDir(), settings.requestedNodeId(),
                settings.raftAdvAddr().toString());
        NodeInfo info = new NodeInfo(nodeId, NodeInfo.buildVersion(), Instant.now());
        long contextStart = System.nanoTime();
        ApplicationContextBuilder builder = ApplicationContext.builder();
        if (https != null) {
            builder.singletons(https);
        }
        ApplicationContext context = builder
                .mainClass(Main.class)
                .banner(false)
                .deduceEnvironment(false)
                // no bootstrap.yml, no distributed configuration: skips a second round of property sources
                .bootstrapEnvironment(false)
                .properties(micronautProperties(settings))
                .singletons(settings, info, notifier)
                .start();
        long serverStart = System.nanoTime();
        try {
            context.getBean(EmbeddedServer.class).start();
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
        long server = millisSince(serverStart);
        Log.LOG.info("HTTP API on {}://{}, {} ms after the JVM started (context and Raft store {} ms, then HTTP server {} ms)",
                settings.httpTls().scheme(), settings.httpAddr(), sinceJvmStart(), millisSince(contextStart) - server, server);
        notifier.watch(context.getBean(RaftStore.class));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (context.isRunning()) {
                context.close();
            }
        }, "raftlite-shutdown"));
        return context;
    }

    /**
     * On SIGTERM/SIGINT: STOPPING=1 to systemd, then stop the node and exit 0, so that systemd and scripts see a
     * clean stop rather than the JVM's death-by-signal status 143. Closing the context stops the HTTP server
     * gracefully (no new connections; requests in flight are answered, for at most the apply timeout plus 2 s),
     * then the store (leadership handed over, Ratis and SQLite closed). A signal during start exits 0 at once: a
     * node still joining has nothing to hand over. A second signal while stopping halts the JVM at once with
     * 143: that is a kill -9 as far as the data goes, which the Raft log and SQLite survive (restart safety).
     */
    private static void exitCleanlyOn(String signal, SystemdNotifier notifier) {
        sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
            if (!STOPPING.compareAndSet(false, true)) {
                Log.LOG.warn("second SIG{} while stopping: exiting now; the data recovers on the next start", signal);
                Runtime.getRuntime().halt(128 + 15);
            }
            new Thread(() -> stop(signal, notifier), "raftlite-stop").start();
        });
    }

    private static void stop(String signal, SystemdNotifier notifier) {
        long started = System.nanoTime();
        int code = 0;
        try {
            notifier.stopping();
            ApplicationContext context = RUNNING.get();
            if (context == null) {
                Log.LOG.info("SIG{} while starting: exiting", signal);
                return;
            }
            Log.LOG.info("SIG{}: stopping (HTTP requests in flight finish, then leadership transfer, Ratis, SQLite)", signal);
            if (context.isRunning()) {
                context.close();
            }
            Log.LOG.info("stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } catch (RuntimeException e) {
            Log.LOG.error("error while stopping: {}", e.toString());
            code = 1;
        } finally {
            notifier.close();
            System.exit(code);
        }
    }

    private static void checkFree(String flag, HostPort address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address.host(), address.port()));
        } catch (IOException e) {
            throw new IllegalStateException(flag + " " + address + " cannot be used: " + e.getMessage()
                    + " (is another node running there?)");
        }
    }

    static Map<String, Object> micronautProperties(NodeSettings s) {
        Map<String, Object> p = new HashMap<>();
        p.put("micronaut.application.name", "raftlite");
        p.put("micronaut.server.host", s.httpAddr().host());
        p.put("micronaut.server.port", s.httpAddr().port());
        p.put("micronaut.server.max-request-size", s.maxBodyBytes());
        p.put("micronaut.server.date-header", false);
        // connection deadlines (idle, header, body), the connection cap and the body budget: io.raftlite.server.edge
        // The blocking executor (controllers run on it) as a cached pool of its own, so that Micronaut does not
        // build it through IOExecutorServiceConfig.blocking, which asks for the Java 21 virtual thread executor
        // first; on Java 17 that lookup once failed a node's first request with a 500 ("No bean of type
        // BeanProvider<ExecutorService> ... @Named('virtual')") on an overloaded machine. Set here rather than in
        // an application.yml, which Micronaut would read and parse at every start.
        p.put("micronaut.executors.blocking.type", "cached");
        // on stop, requests in flight are answered first; a write waits at most the apply timeout for its commit
        p.put("micronaut.lifecycle.graceful-shutdown.enabled", true);
        p.put("micronaut.lifecycle.graceful-shutdown.grace-period", s.applyTimeout().plusSeconds(2).toMillis() + "ms");
        p.putAll(httpsProperties(s));
        p.putAll(ConsulRegistration.properties(s));
        p.putAll(io.raftlite.server.metrics.MetricsProperties.of(s));
        return p;
    }

    /**
     * With {@code -http-cert}: Micronaut's TLS listener on {@code -http-addr}'s port instead of its plain one (one
     * port, HTTPS only; the context comes from {@link HttpsContext}), and a TLS handshake
     * held to {@code -http-header-timeout}, like a request head.
     */
    static Map<String, Object> httpsProperties(NodeSettings s) {
        if (!s.httpTls().enabled()) {
            return Map.of();
        }
        return Map.of("micronaut.server.ssl.enabled", true,
                "micronaut.server.ssl.port", s.httpAddr().port(),
                "micronaut.server.dual-protocol", false,
                "micronaut.server.ssl.handshake-timeout", s.httpLimits().headerTimeout().toMillis() + "ms");
    }

    private static long millisSince(long nanoTime) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
    }

    /** Milliseconds since the JVM started (Micrometer's JVM metrics load the management classes anyway). */
    private static long sinceJvmStart() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /**
     * The logger, initialised on first use: the client commands ({@code raftlite query ...}) return before it, so
     * they never start logback (its configuration alone took about a third of a CLI call's wall time).
     */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(Main.class);
    }

    private static void exit(int code, String message) {
        System.err.println("raftlite: " + message);
        System.exit(code);
    }
}

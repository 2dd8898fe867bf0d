package io.raftlite.server;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.raftlite.core.node.NodeIdentity;
import io.raftlite.server.config.HostPort;
import io.raftlite.server.config.NodeSettings;
import io.raftlite.server.config.SettingsResolver;
import io.raftlite.server.config.UsageException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** {@code java -jar raftlite.jar [flags] [data-directory]}: runs one node until SIGTERM. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
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
            int code = DiscoveryReset.run(settings.discovery(), settings.clusterName(), System.out, System.err);
            System.exit(code);
            return;
        }
        try {
            ApplicationContext context = start(settings);
            exitCleanlyOn(context, "TERM");
            exitCleanlyOn(context, "INT");
        } catch (NodeIdentity.IdentityException e) {
            exit(2, e.getMessage());
        } catch (UncheckedIOException e) {
            exit(1, e.getMessage());
        } catch (IllegalStateException e) {
            exit(1, e.getMessage());
        } catch (RuntimeException e) {
            exit(1, "could not start: " + rootMessage(e));
        }
    }

    /** Starts a node in this JVM; the returned context stops it when closed. */
    public static ApplicationContext start(NodeSettings settings) {
        io.raftlite.server.logging.LogLevels.apply(settings.ops());
        // Ratis ends the JVM with a stack trace when its port is taken; say it in one line instead.
        checkFree("-raft-addr", settings.raftAddr());
        checkFree("-http-addr", settings.httpAddr());
        String nodeId = NodeIdentity.resolve(settings.dataDir(), settings.requestedNodeId(),
                settings.raftAdvAddr().toString());
        NodeInfo info = new NodeInfo(nodeId, NodeInfo.buildVersion(), Instant.now());
        ApplicationContext context = ApplicationContext.builder()
                .mainClass(Main.class)
                .banner(false)
                .deduceEnvironment(false)
                .properties(micronautProperties(settings))
                .singletons(settings, info)
                .start();
        try {
            context.getBean(EmbeddedServer.class).start();
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (context.isRunning()) {
                context.close();
            }
        }, "raftlite-shutdown"));
        return context;
    }

    /**
     * On SIGTERM/SIGINT: stop the node (HTTP, then the store: leadership, Ratis, SQLite) and exit 0, so that
     * systemd and scripts see a clean stop rather than the JVM's death-by-signal status 143.
     */
    private static void exitCleanlyOn(ApplicationContext context, String signal) {
        sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> new Thread(() -> {
            try {
                if (context.isRunning()) {
                    context.close();
                }
            } finally {
                System.exit(0);
            }
        }, "raftlite-stop").start());
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
        p.putAll(ConsulRegistration.properties(s));
        p.putAll(io.raftlite.server.metrics.MetricsProperties.of(s));
        return p;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static void exit(int code, String message) {
        System.err.println("raftlite: " + message);
        System.exit(code);
    }
}

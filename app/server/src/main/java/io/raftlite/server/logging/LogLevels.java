package io.raftlite.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.raftlite.server.config.OpsSettings;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import java.util.Map;

/** Applies {@code -log-level} and {@code -log-levels} to logback, before the node starts. */
public final class LogLevels {

    /** raftlite's own loggers, which {@code -log-level} sets. */
    static final String OWN = "io.raftlite";

    /**
     * The gRPC shaded into Ratis 3.3.0 logs through java.util.logging (not SLF4J), in JUL's two-line format on
     * stderr, e.g. an INFO "Epoll available during static init of TcpMetrics" at every start. Only its warnings
     * are let through. Held here because JUL keeps loggers weakly: a collected logger loses its level.
     */
    private static final java.util.logging.Logger SHADED_GRPC =
            java.util.logging.Logger.getLogger("org.apache.ratis.thirdparty.io.grpc");

    private LogLevels() {
    }

    /**
     * Sets {@value #OWN} to {@code ops.logLevel()}, then each {@code ops.logLevels()} entry (so an entry for
     * {@code io.raftlite} itself wins). A no-op when SLF4J is bound to something other than logback.
     */
    public static void apply(OpsSettings ops) {
        SHADED_GRPC.setLevel(java.util.logging.Level.WARNING);
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            apply(context, ops.logLevel(), ops.logLevels());
        }
    }

    static void apply(LoggerContext context, String ownLevel, Map<String, String> levels) {
        context.getLogger(OWN).setLevel(Level.toLevel(ownLevel, Level.INFO));
        levels.forEach((logger, level) -> context.getLogger(logger).setLevel(Level.toLevel(level, Level.INFO)));
    }
}

package io.raftlite.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Lets one WARN of each kind per peer through from Ratis' log appender and replication service, then drops the
 * same kind for {@link #SUPPRESS_NANOS}: while a peer is down Ratis warns on every retry ("Follower failed …
 * errorCount=N", "Failed appendEntries", "APPEND_ENTRIES onError"). The leader's own {@code PeerWatch} logs the
 * peer's state changes (down, back, caught up), so the first warning (it carries the cause) and those lines are
 * what an operator needs. A kind is the logger, the message pattern and its first argument (Ratis puts the
 * appender's name there, which names the peer; a message Ratis built into one string counts without its
 * numbers and its "(Repeated n times …)" summary) and the attached exception's class and status (a cancelled
 * stream and a refused connection are two kinds); ERROR and lower levels are never touched.
 */
public final class RepeatedWarningFilter extends TurboFilter {

    /** How long a kind stays quiet after it was let through. */
    static final long SUPPRESS_NANOS = 5L * 60 * 1_000_000_000L;
    private static final int MAX_KINDS = 1024;
    private static final List<String> LOGGERS = List.of("org.apache.ratis.grpc.server.GrpcLogAppender",
            "org.apache.ratis.grpc.server.GrpcServerProtocolService");

    private static final Pattern REPEATED = Pattern.compile(" \\(Repeated \\d+ times in the last [^)]*\\)");

    private final Map<String, Long> lastPassed = new HashMap<>();
    private final LongSupplier clock;

    public RepeatedWarningFilter() {
        this(System::nanoTime);
    }

    RepeatedWarningFilter(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * A message Ratis built itself (no arguments: the appender's name, the text, its batch summary and the
     * exception in one string) without its numbers and batch summary, e.g. "n#@group-#E#->n#-AppendLogResponseHandler:
     * Failed appendEntries: …StatusRuntimeException: UNAVAILABLE: io exception".
     */
    private static String shape(String message) {
        return REPEATED.matcher(message).replaceAll("").replaceAll("\\d+", "#");
    }

    /**
     * The kind of the attached exception: its class and the start of its message up to the first colon (a gRPC
     * status such as {@code UNAVAILABLE}), so that a cancelled stream and a refused connection are two kinds.
     */
    private static String failure(Object[] params, Throwable t) {
        Throwable f = t != null ? t : params != null && params.length > 0
                && params[params.length - 1] instanceof Throwable last ? last : null;
        if (f == null) {
            return "";
        }
        String m = String.valueOf(f.getMessage());
        int colon = m.indexOf(':');
        return f.getClass().getName() + ' ' + m.substring(0, Math.min(colon < 0 ? m.length() : colon, 60));
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != Level.WARN || format == null || !LOGGERS.contains(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        String kind = logger.getName() + '|' + (params == null || params.length == 0 ? shape(format)
                : format + '|' + params[0]) + '|' + failure(params, t);
        long now = clock.getAsLong();
        synchronized (lastPassed) {
            Long last = lastPassed.get(kind);
            if (last != null && now - last < SUPPRESS_NANOS) {
                return FilterReply.DENY;
            }
            if (lastPassed.size() >= MAX_KINDS) {
                lastPassed.clear();
            }
            lastPassed.put(kind, now);
        }
        return FilterReply.NEUTRAL;
    }
}

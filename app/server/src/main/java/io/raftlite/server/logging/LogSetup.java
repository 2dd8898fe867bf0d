package io.raftlite.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The node's logging, set up in code (found by logback through {@code META-INF/services}) instead of a
 * {@code logback.xml}: reading XML loaded about 380 classes of logback's configuration machinery and the JDK's XML
 * parser into every node, for five settings (issue 16: classes and start time).
 * <ul>
 *   <li>One line per event on stdout. The line starts with {@link JournalTimestamp}'s prefix: no time when stdout
 *       is systemd's journal, which stamps lines itself, and journald's {@code <N>} priority instead
 *       ({@link JournalPriority}). {@link OneLineMessage} folds line breaks in messages (Ratis writes exception
 *       chains into them); {@link OneLineThrowable} keeps a WARN/INFO event's throwable on its line, errors keep
 *       their stack trace.</li>
 *   <li>{@link RepeatedWarningFilter}: while a peer is down Ratis warns on every retry; the first warning of each
 *       kind per peer passes, then that kind is dropped for 5 minutes (the leader logs the peer's state changes
 *       itself: PeerWatch).</li>
 *   <li>Off: {@code org.apache.ratis.util.JmxRegister} (Ratis names its JMX beans after the peer id; ids like
 *       127.0.0.1:4002 are not valid JMX names; JMX is unused) and {@code org.apache.ratis.client.impl.OrderedAsync}
 *       (Ratis' async client logs every failed attempt of a forwarded request at ERROR with its stack trace; each
 *       such failure reaches the caller as a 503 or timeout, and Forwarder logs it as one WARN line).</li>
 *   <li>Levels come from {@code -log-level} and {@code -log-levels}, applied by {@link LogLevels} when the node
 *       starts; until then INFO.</li>
 * </ul>
 * With {@code -Dlogback.configurationFile=FILE} logback reads that file instead, as usual.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    static final String PATTERN_AFTER_PREFIX = " %logger{24} - %oneLineMsg%oneLineEx%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        RepeatedWarningFilter repeats = new RepeatedWarningFilter();
        repeats.setContext(context);
        repeats.start();
        context.addTurboFilter(repeats);

        ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
        stdout.setContext(context);
        stdout.setName("STDOUT");
        stdout.setEncoder(encoder(context, new JournalTimestamp().getPropertyValue()));
        stdout.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stdout);
        context.getLogger("org.apache.ratis.util.JmxRegister").setLevel(Level.OFF);
        context.getLogger("org.apache.ratis.client.impl.OrderedAsync").setLevel(Level.OFF);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The one-line encoder after {@code linePrefix} ({@link JournalTimestamp#ON_JOURNAL} or {@code WITH_TIME}). */
    static LayoutWrappingEncoder<ILoggingEvent> encoder(LoggerContext context, String linePrefix) {
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("journalPriority", JournalPriority::new);
        layout.getInstanceConverterMap().put("oneLineMsg", OneLineMessage::new);
        layout.getInstanceConverterMap().put("oneLineEx", OneLineThrowable::new);
        layout.setPattern(linePrefix + PATTERN_AFTER_PREFIX);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        return encoder;
    }
}

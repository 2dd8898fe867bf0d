package io.raftlite.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log line format: one line per expected condition, timestamps left to journald, levels from settings. */
class LoggingTest {

    @TempDir
    Path tmp;

    private static String render(Level level, String logger, Throwable t) {
        return render(level, logger, "append failed", t);
    }

    private static String render(Level level, String logger, String message, Throwable t) {
        LoggerContext context = new LoggerContext();
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("oneLineEx", OneLineThrowable::new);
        layout.getInstanceConverterMap().put("oneLineMsg", OneLineMessage::new);
        layout.setPattern("%-5level %logger - %oneLineMsg%oneLineEx%n");
        layout.start();
        Logger l = context.getLogger(logger);
        return layout.doLayout(new LoggingEvent(Logger.class.getName(), l, level, message, t, null));
    }

    private static Exception peerDown() {
        return new IOException("UNAVAILABLE: io exception\nChannel Pipeline: [HttpProxyHandler]",
                new ConnectException("Connection refused: /127.0.0.172:4912"));
    }

    @Test
    void aWarningWithAThrowableIsOneLineNamingEveryCause() {
        String line = render(Level.WARN, "org.apache.ratis.grpc.server.GrpcLogAppender", peerDown());
        assertEquals("WARN  org.apache.ratis.grpc.server.GrpcLogAppender - append failed (IOException: UNAVAILABLE:"
                + " io exception Channel Pipeline: [HttpProxyHandler]; caused by ConnectException: Connection refused:"
                + " /127.0.0.172:4912)" + System.lineSeparator(), line);
        assertEquals(1, line.split("\\R").length);
    }

    @Test
    void ratisExceptionChainsInMessagesAreFoldedOntoTheLine() {
        String message = "127.0.0.172:4912@group-6E25BF376E2D->127.0.0.173:4912-AppendLogResponseHandler: Failed"
                + " appendEntries: org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException: UNAVAILABLE: io exception\n"
                + "  Caused by: java.net.ConnectException: finishConnect(..) failed with error(-111): Connection refused\n";
        String line = render(Level.WARN, "org.apache.ratis.grpc.server.GrpcLogAppender", message, null);
        assertEquals(1, line.split("\\R").length, line);
        assertTrue(line.endsWith("UNAVAILABLE: io exception | Caused by: java.net.ConnectException: finishConnect(..)"
                + " failed with error(-111): Connection refused" + System.lineSeparator()), line);
        assertEquals("plain", OneLineMessage.fold("plain"));
    }

    @Test
    void aLongCauseChainIsCut() {
        Exception e = new IllegalStateException("a");
        for (int i = 0; i < 6; i++) {
            e = new RuntimeException("level " + i, e);
        }
        String line = render(Level.INFO, "io.raftlite.core.store.Forwarder", e);
        assertTrue(line.endsWith("; caused by RuntimeException: level 2; …)" + System.lineSeparator()), line);
        assertEquals(1, line.split("\\R").length);
    }

    @Test
    void ratisAppendRefusedWhileAServerClosesIsOneErrorLine() {
        Exception closing = new org.apache.ratis.protocol.exceptions.ServerNotReadyException(
                "n2@group-6E25BF376E2D is not in [STARTING, RUNNING]: current state is CLOSING");
        assertEquals("ERROR org.apache.ratis.server.RaftServer$Division - append failed (ServerNotReadyException: "
                        + "n2@group-6E25BF376E2D is not in [STARTING, RUNNING]: current state is CLOSING)"
                        + System.lineSeparator(),
                render(Level.ERROR, "org.apache.ratis.server.RaftServer$Division", closing));
        assertTrue(render(Level.ERROR, "io.raftlite.core.store.SqliteStateMachine", closing).split("\\R").length > 3,
                "only Ratis' own refusal is cut");
    }

    @Test
    void errorsAndDebugLinesKeepTheirStackTrace() {
        for (Level level : new Level[]{Level.ERROR, Level.DEBUG}) {
            String text = render(level, "io.raftlite.core.store.SqliteStateMachine", peerDown());
            String[] lines = text.split("\\R");
            assertTrue(lines[0].endsWith("append failed"), text);
            assertTrue(lines.length > 3, text);
            assertTrue(text.contains("\tat io.raftlite.server.logging.LoggingTest.peerDown"), text);
            assertTrue(text.contains("Caused by: java.net.ConnectException"), text);
            assertTrue(text.endsWith(System.lineSeparator()) && !text.endsWith(System.lineSeparator() + System.lineSeparator()));
        }
        assertEquals("INFO  x - append failed" + System.lineSeparator(), render(Level.INFO, "x", null));
    }

    @Test
    void theTimestampIsLeftToJournaldOnlyWhenStdoutIsTheJournal() throws IOException {
        Path journal = Files.createSymbolicLink(tmp.resolve("fd1"), Path.of("socket:[4242]"));
        Path file = Files.createSymbolicLink(tmp.resolve("fd1-file"), Path.of("/var/log/raftlite.log"));
        assertEquals(JournalTimestamp.ON_JOURNAL, JournalTimestamp.prefix(Map.of("JOURNAL_STREAM", "8:4242"), journal));
        assertEquals(JournalTimestamp.WITH_TIME, JournalTimestamp.prefix(Map.of(), journal));
        assertEquals(JournalTimestamp.WITH_TIME, JournalTimestamp.prefix(Map.of("JOURNAL_STREAM", "8:9999"), journal),
                "inherited by a child whose stdout is another socket");
        assertEquals(JournalTimestamp.WITH_TIME, JournalTimestamp.prefix(Map.of("JOURNAL_STREAM", "8:4242"), file),
                "stdout redirected to a file");
        assertEquals(JournalTimestamp.ON_JOURNAL, JournalTimestamp.prefix(Map.of("JOURNAL_STREAM", "8:4242"), tmp.resolve("no-proc")),
                "cannot tell: trust systemd");
    }

    @Test
    void onTheJournalALineStartsWithItsSyslogPriority() {
        LoggerContext context = new LoggerContext();
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("journalPriority", JournalPriority::new);
        layout.setPattern(JournalTimestamp.ON_JOURNAL + " %msg%n");
        layout.start();
        Logger l = context.getLogger("io.raftlite.x");
        assertEquals("<4>WARN  peer down" + System.lineSeparator(),
                layout.doLayout(new LoggingEvent(Logger.class.getName(), l, Level.WARN, "peer down", null, null)));
        assertEquals("<3>", JournalPriority.prefix(Level.ERROR));
        assertEquals("<6>", JournalPriority.prefix(Level.INFO));
        assertEquals("<7>", JournalPriority.prefix(Level.TRACE));
    }

    @Test
    void theNodesSetupLogsOneLinePerEventOnStdoutWithTheFilterAndTheQuietLoggers() {
        LoggerContext context = new LoggerContext();
        assertEquals(ch.qos.logback.classic.spi.Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY,
                new LogSetup().configure(context));
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.INFO, root.getLevel());
        assertTrue(root.getAppender("STDOUT") instanceof ch.qos.logback.core.ConsoleAppender, "stdout appender");
        assertTrue(root.getAppender("STDOUT").isStarted());
        assertTrue(context.getTurboFilterList().stream().anyMatch(f -> f instanceof RepeatedWarningFilter));
        assertEquals(Level.OFF, context.getLogger("org.apache.ratis.util.JmxRegister").getLevel());
        assertEquals(Level.OFF, context.getLogger("org.apache.ratis.client.impl.OrderedAsync").getLevel());

        Logger l = context.getLogger("org.apache.ratis.grpc.server.GrpcLogAppender");
        String line = new String(LogSetup.encoder(context, JournalTimestamp.ON_JOURNAL).encode(
                new LoggingEvent(Logger.class.getName(), l, Level.WARN, "append failed", peerDown(), null)),
                java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("<4>WARN  o.a.r.g.s.GrpcLogAppender - append failed (IOException: UNAVAILABLE: io exception"
                + " Channel Pipeline: [HttpProxyHandler]; caused by ConnectException: Connection refused:"
                + " /127.0.0.172:4912)" + System.lineSeparator(), line);
        String timed = new String(LogSetup.encoder(context, JournalTimestamp.WITH_TIME).encode(
                new LoggingEvent(Logger.class.getName(), l, Level.INFO, "x", null, null)), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(timed.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  o\\.a\\.r\\.g\\.s\\.GrpcLogAppender - x\\R"), timed);
    }

    @Test
    void aConfigurationFileNamedOnTheCommandLineIsLeftToLogback() {
        String before = System.getProperty("logback.configurationFile");
        System.setProperty("logback.configurationFile", "/etc/raftlite/logback.xml");
        try {
            LoggerContext context = new LoggerContext();
            assertEquals(ch.qos.logback.classic.spi.Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY,
                    new LogSetup().configure(context));
            assertEquals(null, context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT"));
        } finally {
            if (before == null) {
                System.clearProperty("logback.configurationFile");
            } else {
                System.setProperty("logback.configurationFile", before);
            }
        }
    }

    @Test
    void levelsComeFromTheSettingsAndAnEntryBeatsTheOwnLevel() {
        LoggerContext context = new LoggerContext();
        LogLevels.apply(context, "DEBUG", Map.of("org.apache.ratis", "WARN", "io.raftlite.core.store", "TRACE"));
        assertEquals(Level.DEBUG, context.getLogger("io.raftlite").getLevel());
        assertTrue(context.getLogger("io.raftlite.server.Main").isDebugEnabled());
        assertEquals(Level.TRACE, context.getLogger("io.raftlite.core.store").getLevel());
        assertFalse(context.getLogger("org.apache.ratis.server.impl.LeaderElection").isInfoEnabled());
        assertTrue(context.getLogger("org.apache.ratis.server.impl.LeaderElection").isWarnEnabled());
        LogLevels.apply(context, "INFO", Map.of("io.raftlite", "ERROR"));
        assertFalse(context.getLogger("io.raftlite.server.Main").isWarnEnabled(), "the entry wins");
    }
}

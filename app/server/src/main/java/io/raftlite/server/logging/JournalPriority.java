package io.raftlite.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * logback's {@code %journalPriority}: the {@code <N>} prefix by which journald (with systemd's default
 * {@code SyslogLevelPrefix=yes}) files a stdout line under syslog priority N, so that
 * {@code journalctl -p warning} shows the node's warnings and errors. Used only when stdout is the journal
 * ({@link JournalTimestamp}).
 */
public final class JournalPriority extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return prefix(event.getLevel());
    }

    static String prefix(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> "<3>";
            case Level.WARN_INT -> "<4>";
            case Level.INFO_INT -> "<6>";
            default -> "<7>";
        };
    }
}

package io.raftlite.server.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * logback's {@code %oneLineMsg}: the formatted message with its line breaks folded into {@code " | "}, so an
 * event is one line. Ratis puts exception chains into its messages ({@code "Failed appendEntries: …\n  Caused
 * by: …"}, once per retry while a peer is down) and the JVM pause monitor its GC details. A message without
 * a line break is returned as is.
 */
public final class OneLineMessage extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return fold(event.getFormattedMessage());
    }

    static String fold(String message) {
        if (message == null || message.indexOf('\n') < 0 && message.indexOf('\r') < 0) {
            return message;
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " | ");
    }
}

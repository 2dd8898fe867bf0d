package io.raftlite.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.CoreConstants;
import io.raftlite.core.workaround.NotReadyAppendLog;

/**
 * logback's {@code %oneLineEx}, placed before {@code %n}: a WARN or INFO event's throwable becomes
 * {@code  (Class: message; caused by Class: message)} on the event's own line, because such an event is an
 * expected, handled condition (a peer is down, a leader moved, a client went away) and a stack trace per
 * retry buries what matters. ERROR events (our own bugs, a failing disk) and DEBUG/TRACE events (asked for
 * detail) keep their full stack trace, on the lines after the message; except Ratis' ERROR for an append that
 * reaches a server while it starts or closes, a Ratis workaround ({@link NotReadyAppendLog}).
 */
public final class OneLineThrowable extends ThrowableProxyConverter {

    /** At most this many causes are named; a deeper chain ends with "…". */
    static final int MAX_CAUSES = 3;

    @Override
    public String convert(ILoggingEvent event) {
        IThrowableProxy t = event.getThrowableProxy();
        if (t == null) {
            return "";
        }
        if (oneLine(event.getLevel()) || refusedWhileNotRunning(event, t)) {
            return summary(t);
        }
        String full = super.convert(event);
        int end = full.length();
        while (end > 0 && Character.isWhitespace(full.charAt(end - 1))) {
            end--;
        }
        return CoreConstants.LINE_SEPARATOR + full.substring(0, end);
    }

    static boolean oneLine(Level level) {
        return level == Level.WARN || level == Level.INFO;
    }

    static boolean refusedWhileNotRunning(ILoggingEvent event, IThrowableProxy t) {
        return event.getLevel() == Level.ERROR
                && NotReadyAppendLog.isRefusedAppend(event.getLoggerName(), t.getClassName());
    }

    /** {@code  (Class: message; caused by Class: message)}, with line breaks in messages folded. */
    static String summary(IThrowableProxy t) {
        StringBuilder b = new StringBuilder(" (");
        describe(b, t);
        IThrowableProxy cause = t.getCause();
        for (int i = 0; cause != null && cause != t; i++, cause = cause.getCause()) {
            if (i == MAX_CAUSES) {
                b.append("; …");
                break;
            }
            b.append("; caused by ");
            describe(b, cause);
        }
        return b.append(')').toString();
    }

    private static void describe(StringBuilder b, IThrowableProxy t) {
        String name = t.getClassName();
        b.append(name.substring(name.lastIndexOf('.') + 1));
        String message = t.getMessage();
        if (message != null && !message.isBlank()) {
            b.append(": ").append(message.strip().replaceAll("\\s*\\R\\s*", " "));
        }
    }
}

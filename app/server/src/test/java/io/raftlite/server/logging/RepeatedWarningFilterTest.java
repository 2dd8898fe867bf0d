package io.raftlite.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Ratis' per-retry warnings about a down peer: the first of each kind per peer, then quiet for a while. */
class RepeatedWarningFilterTest {

    private static final String APPENDER = "org.apache.ratis.grpc.server.GrpcLogAppender";
    private static final String FAILED = "{}: Follower failed (request=null, errorCount={}); keep nextIndex ({}) unchanged and retry.{}";

    private final AtomicLong now = new AtomicLong();
    private final LoggerContext context = new LoggerContext();
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    RepeatedWarningFilterTest() {
        context.addTurboFilter(new RepeatedWarningFilter(now::get));
        lines.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(lines);
    }

    @Test
    void aDownPeerWarnsOnceOfEachKindUntilTheQuietPeriodEnds() {
        Logger ratis = context.getLogger(APPENDER);
        for (int i = 1; i <= 500; i++) { // 100 a second for 5 s, each with another count and next index
            ratis.warn(FAILED, "n1@group->n2-GrpcLogAppender", i, 17 + i, "");
            ratis.warn("{}: Failed appendEntries{}", "n1@group->n2-AppendLogResponseHandler", " (Repeated 3 times)");
            now.addAndGet(10_000_000L);
        }
        for (int i = 0; i < 3; i++) { // a message Ratis builds into one string: one kind whatever its numbers
            ratis.warn("n1@group-6E25->n2-AppendLogResponseHandler: Failed appendEntries (Repeated " + (20 + i)
                    + " times in the last 5.00" + i + "s): StatusRuntimeException: UNAVAILABLE: io exception");
        }
        ratis.warn(FAILED, "n1@group->n3-GrpcLogAppender", 1, 40, ""); // another peer: its own first line
        for (int i = 0; i < 3; i++) { // another failure: its own first line (the cause a reader wants to see)
            ratis.warn("{}: Failed appendEntries{}", "n1@group->n2-AppendLogResponseHandler", "",
                    new IllegalStateException("UNAVAILABLE: io exception " + i));
        }
        ratis.error("{}: CONF_MISMATCH", "n1@group->n2-GrpcLogAppender");
        ratis.error("{}: CONF_MISMATCH", "n1@group->n2-GrpcLogAppender");
        context.getLogger("io.raftlite.core.store.PeerWatch").warn("{} is down", "n2");
        context.getLogger("io.raftlite.core.store.PeerWatch").warn("{} is down", "n2");
        assertEquals(2 + 1 + 1 + 1 + 2 + 2, lines.list.size(), "first of each kind, errors and other loggers as they are");

        now.addAndGet(RepeatedWarningFilter.SUPPRESS_NANOS);
        ratis.warn(FAILED, "n1@group->n2-GrpcLogAppender", 9999, 18, "");
        assertEquals(10, lines.list.size(), "a reminder once the quiet period is over");
    }
}

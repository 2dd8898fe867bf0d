package io.raftlite.server.edge;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One warning line per interval at most, saying how many times the event happened since the last line: a
 * client opening thousands of connections must not turn into thousands of log lines.
 */
public final class RateLimitedLog {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextLine;
    private final AtomicLong count = new AtomicLong();

    public RateLimitedLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.nextLine = new AtomicLong(System.nanoTime());
    }

    /** Counts one event; logs {@code message} with the count when the interval since the last line has passed. */
    public void warn(String message) {
        count.incrementAndGet();
        long now = System.nanoTime();
        long next = nextLine.get();
        if (now - next >= 0 && nextLine.compareAndSet(next, now + intervalNanos)) {
            log.warn("{} ({} times since the last such line)", message, count.getAndSet(0));
        }
    }
}

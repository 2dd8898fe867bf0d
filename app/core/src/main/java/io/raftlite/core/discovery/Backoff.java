package io.raftlite.core.discovery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Jittered exponential backoff between a base and a cap; {@link #reset()} after a success. */
final class Backoff {

    private final Duration base;
    private final Duration cap;
    private int failures;

    Backoff(Duration base, Duration cap) {
        this.base = base;
        this.cap = cap;
    }

    /** Sleeps base × 2^failures (at most the cap), ±50 % jitter, and counts one more failure. */
    void pause() throws InterruptedException {
        long max = Math.min(cap.toMillis(), base.toMillis() << Math.min(failures, 16));
        failures++;
        sleepJittered(Duration.ofMillis(Math.max(1, max)));
    }

    void reset() {
        failures = 0;
    }

    /** Sleeps {@code d} ±50 %, so nodes started together drift apart. */
    static void sleepJittered(Duration d) throws InterruptedException {
        long ms = d.toMillis();
        Thread.sleep(Math.max(1, (long) (ms * (0.5 + ThreadLocalRandom.current().nextDouble()))));
    }
}

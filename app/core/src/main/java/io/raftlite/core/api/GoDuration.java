package io.raftlite.core.api;

import java.time.Duration;

/** STUB: replaced by the request part. Parses Go duration syntax (300ms, 2s, 1m30s). */
public final class GoDuration {

    private GoDuration() {
    }

    public static Duration parse(String text) {
        throw new UnsupportedOperationException("stub");
    }
}

package io.raftlite.server.cli;

import io.raftlite.core.api.GoDuration;

import java.time.Duration;

/** Duration flags ({@code -timeout}, {@code -wait}) in Go's syntax, as the node's own flags: {@code 500ms}, {@code 1m30s}. */
final class Durations {

    private Durations() {
    }

    static Duration parse(String flag, String text) throws CliException {
        try {
            Duration d = GoDuration.parse(text.strip());
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("not positive");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new CliException(Exit.USAGE, flag + " " + text + ": expected a positive duration like 500ms, 30s, 5m");
        }
    }
}

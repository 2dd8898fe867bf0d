package io.raftlite.core.command;

import java.util.Objects;

/** A statement that failed; {@code error} is SQLite's own message, e.g. {@code no such table: bar}. */
public record ErrorResult(String error, double timeSeconds) implements StatementResult {

    public ErrorResult {
        Objects.requireNonNull(error, "error");
    }

    public ErrorResult(String error) {
        this(error, 0);
    }
}

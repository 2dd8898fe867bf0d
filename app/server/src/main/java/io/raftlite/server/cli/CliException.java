package io.raftlite.server.cli;

/** A CLI command that cannot go on: its message for stderr and its {@link Exit} code. */
final class CliException extends Exception {

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}

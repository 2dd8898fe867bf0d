package io.raftlite.server.cli;

/** The exit codes of every CLI command (docs/cli.md lists them; scripts rely on them, so they never change). */
final class Exit {

    /** Done; every statement succeeded. */
    static final int OK = 0;
    /** The node answered, but a statement failed (a result carried {@code error}), or a restore was refused. */
    static final int SQL_ERROR = 1;
    /** The command line is wrong (unknown command or flag, missing argument); nothing was sent. */
    static final int USAGE = 2;
    /** The node could not be reached (refused, timeout, TLS handshake) or answered an unexpected HTTP status. */
    static final int UNREACHABLE = 3;
    /** The node refused the credentials (401) or the user lacks the permission (403). */
    static final int REFUSED = 4;

    private Exit() {
    }
}

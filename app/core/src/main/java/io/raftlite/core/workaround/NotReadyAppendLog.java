package io.raftlite.core.workaround;

/**
 * Ratis 3.3.0 logs at ERROR, with the whole stack, every append that reaches a member whose server is starting
 * or closing ({@code RaftServerImpl.appendEntriesAsync} refuses it with {@code ServerNotReadyException}). That is
 * a member restarting (a demoted voter, a node forming or joining) or stopping while its leader appends: an
 * expected condition, retried by the leader. raftlite's log layout
 * ({@code io.raftlite.server.logging.OneLineThrowable}) keeps the event an ERROR but renders it on one line, like a
 * WARN, instead of 40 lines per refused append.
 *
 * <p>Upstream: none found. Delete when the canary {@code NotReadyAppendLogTest.stockLogsAnAppendToAClosedServerAtError}
 * fails (Ratis logs the refusal below ERROR, or without the exception).
 */
public final class NotReadyAppendLog {

    /** The logger Ratis 3.3.0 logs the refusal with ({@code RaftServerImpl} logs through its interface's). */
    static final String RATIS_LOGGER = "org.apache.ratis.server.RaftServer$Division";
    static final String NOT_READY = "org.apache.ratis.protocol.exceptions.ServerNotReadyException";

    private NotReadyAppendLog() {
    }

    /**
     * Whether an ERROR event from {@code loggerName} whose throwable is of class {@code throwableClass} is such a
     * refusal (any logger of Ratis' server, so a move of the call inside the server keeps matching).
     */
    public static boolean isRefusedAppend(String loggerName, String throwableClass) {
        return loggerName.startsWith("org.apache.ratis.server") && NOT_READY.equals(throwableClass);
    }
}

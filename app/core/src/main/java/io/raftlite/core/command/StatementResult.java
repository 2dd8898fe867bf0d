package io.raftlite.core.command;

/**
 * The outcome of one statement. {@code timeSeconds} is how long SQLite took; it is reported only when a
 * client asks for {@code timings}.
 */
public sealed interface StatementResult permits ExecuteResult, QueryResult, ErrorResult {

    double timeSeconds();
}

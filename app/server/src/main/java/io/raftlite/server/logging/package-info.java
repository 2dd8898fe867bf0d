/**
 * Logging: levels from the node's settings ({@link io.raftlite.server.logging.LogLevels}), the timestamp left
 * to journald when stdout is the journal ({@link io.raftlite.server.logging.JournalTimestamp}), messages
 * folded onto one line ({@link io.raftlite.server.logging.OneLineMessage}) and throwables rendered on that
 * line for expected conditions ({@link io.raftlite.server.logging.OneLineThrowable}); Ratis' per-retry warnings
 * about a down peer cut to the first of each kind ({@link io.raftlite.server.logging.RepeatedWarningFilter}).
 *
 * <p>Invariants: one event is one line on stdout unless it is an error of our own or a DEBUG/TRACE line,
 * which keep their stack trace; nothing here depends on metrics or on Micronaut (it runs before the context
 * starts, from {@code Main.start}).
 */
package io.raftlite.server.logging;

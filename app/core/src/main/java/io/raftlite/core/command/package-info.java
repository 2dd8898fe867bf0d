/**
 * What goes into the Raft log, and what comes back out of applying it.
 *
 * <p>A {@link io.raftlite.core.command.Command} is one log entry: a list of statements (or a database
 * to load) plus the time and random seed that make its application deterministic on every replica.
 * {@link io.raftlite.core.command.CommandCodec} and {@link io.raftlite.core.command.ResultCodec} are the
 * only wire formats; both start with a version byte and reject anything they cannot fully decode.
 *
 * <p>Invariants: parameter and row values are only {@code null}, {@link java.lang.Long},
 * {@link java.lang.Double}, {@link java.lang.Boolean} (parameters only), {@link java.lang.String} and
 * {@code byte[]}; decoding what was encoded gives an equal value.
 */
package io.raftlite.core.command;

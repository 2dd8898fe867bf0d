package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandCodec;
import io.raftlite.core.command.Statement;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The message of a linearizable (ReadIndex) read; it never enters the log. Layout: version byte,
 * dbTimeout in milliseconds (a long, -1 for none), then an encoded {@link Command} of kind QUERY.
 */
record ReadMessage(List<Statement> statements, boolean transaction, Duration dbTimeout) {

    private static final byte VERSION = 1;
    private static final int HEADER = 1 + Long.BYTES;

    byte[] encode() {
        byte[] command = CommandCodec.encode(Command.query(statements, transaction, 0, 0));
        long timeout = dbTimeout == null ? -1 : dbTimeout.toMillis();
        return ByteBuffer.allocate(HEADER + command.length).put(VERSION).putLong(timeout).put(command).array();
    }

    /** @throws IllegalArgumentException when the bytes are not a read message */
    static ReadMessage decode(byte[] bytes) {
        if (bytes.length < HEADER || bytes[0] != VERSION) {
            throw new IllegalArgumentException("not a read message");
        }
        long timeout = ByteBuffer.wrap(bytes, 1, Long.BYTES).getLong();
        if (timeout < -1) {
            throw new IllegalArgumentException("bad read timeout " + timeout);
        }
        Command command = CommandCodec.decode(Arrays.copyOfRange(bytes, HEADER, bytes.length));
        if (command.kind() != Command.Kind.QUERY) {
            throw new IllegalArgumentException("a read must be a QUERY, not " + command.kind());
        }
        return new ReadMessage(command.statements(), command.transaction(),
                timeout < 0 ? null : Duration.ofMillis(timeout));
    }
}

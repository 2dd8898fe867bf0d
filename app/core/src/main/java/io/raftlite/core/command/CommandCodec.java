package io.raftlite.core.command;

/** STUB: replaced by the store part. Signatures are the contract. */
public final class CommandCodec {

    private CommandCodec() {
    }

    public static byte[] encode(Command command) {
        throw new UnsupportedOperationException("stub");
    }

    /** @throws IllegalArgumentException when the bytes are not a complete, valid encoding */
    public static Command decode(byte[] bytes) {
        throw new UnsupportedOperationException("stub");
    }
}

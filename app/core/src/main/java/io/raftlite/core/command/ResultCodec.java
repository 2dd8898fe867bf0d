package io.raftlite.core.command;

/** STUB: replaced by the store part. Signatures are the contract. */
public final class ResultCodec {

    private ResultCodec() {
    }

    public static byte[] encode(CommandResult result) {
        throw new UnsupportedOperationException("stub");
    }

    /** @throws IllegalArgumentException when the bytes are not a complete, valid encoding */
    public static CommandResult decode(byte[] bytes) {
        throw new UnsupportedOperationException("stub");
    }
}

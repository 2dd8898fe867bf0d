package io.raftlite.core.command;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link BinaryWriter} wrote. Every failure is an {@link IllegalArgumentException}; every
 * length or count is checked against the bytes that remain before anything is allocated, so a hostile
 * length prefix cannot cause a huge allocation.
 */
final class BinaryReader {

    private final ByteBuffer buf;

    BinaryReader(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("no bytes");
        }
        this.buf = ByteBuffer.wrap(bytes);
    }

    byte readByte() {
        need(1);
        return buf.get();
    }

    boolean readBoolean() {
        byte b = readByte();
        if (b != 0 && b != 1) {
            throw new IllegalArgumentException("bad boolean " + b);
        }
        return b == 1;
    }

    int readInt() {
        need(4);
        return buf.getInt();
    }

    long readLong() {
        need(8);
        return buf.getLong();
    }

    double readDouble() {
        need(8);
        return buf.getDouble();
    }

    /** A count of items that each take at least {@code minItemBytes}: bounded by what remains. */
    int readCount(int minItemBytes) {
        int n = readInt();
        if (n < 0 || (long) n * minItemBytes > buf.remaining()) {
            throw new IllegalArgumentException("bad count " + n + " with " + buf.remaining() + " bytes left");
        }
        return n;
    }

    byte[] readBytes() {
        int n = readCount(1);
        byte[] b = new byte[n];
        buf.get(b);
        return b;
    }

    String readString() {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(readBytes())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("malformed UTF-8", e);
        }
    }

    String readNullableString() {
        return readBoolean() ? readString() : null;
    }

    Object readValue() {
        byte tag = readByte();
        return switch (tag) {
            case BinaryWriter.NULL -> null;
            case BinaryWriter.LONG -> readLong();
            case BinaryWriter.DOUBLE -> readDouble();
            case BinaryWriter.BOOLEAN -> readBoolean();
            case BinaryWriter.STRING -> readString();
            case BinaryWriter.BYTES -> readBytes();
            default -> throw new IllegalArgumentException("unknown value tag " + tag);
        };
    }

    void expectVersion(byte version, String what) {
        byte v = readByte();
        if (v != version) {
            throw new IllegalArgumentException("unsupported " + what + " encoding version " + v);
        }
    }

    void expectEnd() {
        if (buf.hasRemaining()) {
            throw new IllegalArgumentException(buf.remaining() + " trailing bytes");
        }
    }

    private void need(int n) {
        if (buf.remaining() < n) {
            throw new IllegalArgumentException("truncated input", new BufferUnderflowException());
        }
    }
}

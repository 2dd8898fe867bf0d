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

    /**
     * Strict UTF-8 (malformed input is an error). Decoded in place, without copying the bytes first: a value may
     * be megabytes, and ASCII (most SQL and values) becomes a String with one copy instead of a char buffer of
     * twice its size and then the String.
     */
    String readString() {
        int n = readCount(1);
        int start = buf.position();
        buf.position(start + n);
        byte[] array = buf.array();
        int from = buf.arrayOffset() + start;
        for (int i = from; i < from + n; i++) {
            if (array[i] < 0) {
                return decodeStrict(buf.slice(start, n));
            }
        }
        return new String(array, from, n, StandardCharsets.US_ASCII);
    }

    private static String decodeStrict(ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
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

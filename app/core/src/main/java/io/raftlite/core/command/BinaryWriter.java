package io.raftlite.core.command;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Big-endian writer shared by the codecs: lengths are ints, strings are length-prefixed UTF-8. */
final class BinaryWriter {

    static final byte NULL = 0;
    static final byte LONG = 1;
    static final byte DOUBLE = 2;
    static final byte BOOLEAN = 3;
    static final byte STRING = 4;
    static final byte BYTES = 5;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private final DataOutputStream out = new DataOutputStream(bytes);

    BinaryWriter writeByte(int v) {
        return run(() -> out.writeByte(v));
    }

    BinaryWriter writeBoolean(boolean v) {
        return run(() -> out.writeBoolean(v));
    }

    BinaryWriter writeInt(int v) {
        return run(() -> out.writeInt(v));
    }

    BinaryWriter writeLong(long v) {
        return run(() -> out.writeLong(v));
    }

    BinaryWriter writeDouble(double v) {
        return run(() -> out.writeDouble(v));
    }

    BinaryWriter writeBytes(byte[] v) {
        return run(() -> {
            out.writeInt(v.length);
            out.write(v);
        });
    }

    BinaryWriter writeString(String v) {
        return writeBytes(v.getBytes(StandardCharsets.UTF_8));
    }

    /** A string that may be null: a presence flag, then the string. */
    BinaryWriter writeNullableString(String v) {
        writeBoolean(v != null);
        return v == null ? this : writeString(v);
    }

    /** One parameter or row value, tagged with its type. */
    BinaryWriter writeValue(Object v) {
        if (v == null) {
            return writeByte(NULL);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return writeByte(LONG).writeLong(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            return writeByte(DOUBLE).writeDouble(((Number) v).doubleValue());
        } else if (v instanceof Boolean b) {
            return writeByte(BOOLEAN).writeBoolean(b);
        } else if (v instanceof String s) {
            return writeByte(STRING).writeString(s);
        } else if (v instanceof byte[] b) {
            return writeByte(BYTES).writeBytes(b);
        }
        throw new IllegalArgumentException("unsupported value type: " + v.getClass().getName());
    }

    BinaryWriter writeNamed(Map<String, Object> named) {
        writeInt(named.size());
        named.forEach((k, v) -> writeString(k).writeValue(v));
        return this;
    }

    byte[] toByteArray() {
        return bytes.toByteArray();
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private BinaryWriter run(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen on a ByteArrayOutputStream
        }
        return this;
    }
}

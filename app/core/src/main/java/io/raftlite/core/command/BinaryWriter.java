package io.raftlite.core.command;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/** Big-endian writer shared by the codecs: lengths are ints, strings are length-prefixed UTF-8. */
final class BinaryWriter {

    static final byte NULL = 0;
    static final byte LONG = 1;
    static final byte DOUBLE = 2;
    static final byte BOOLEAN = 3;
    static final byte STRING = 4;
    static final byte BYTES = 5;

    private byte[] buf;
    private int count;

    BinaryWriter() {
        this(256);
    }

    /**
     * @param expectedSize the encoding's likely size: a command may be megabytes, and a buffer that grows by
     *                     doubling (then is copied out) would need three times that at once
     */
    BinaryWriter(int expectedSize) {
        buf = new byte[Math.max(16, expectedSize)];
    }

    BinaryWriter writeByte(int v) {
        ensure(1);
        buf[count++] = (byte) v;
        return this;
    }

    BinaryWriter writeBoolean(boolean v) {
        return writeByte(v ? 1 : 0);
    }

    BinaryWriter writeInt(int v) {
        ensure(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            buf[count++] = (byte) (v >>> shift);
        }
        return this;
    }

    BinaryWriter writeLong(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[count++] = (byte) (v >>> shift);
        }
        return this;
    }

    BinaryWriter writeDouble(double v) {
        return writeLong(Double.doubleToLongBits(v));
    }

    BinaryWriter writeBytes(byte[] v) {
        writeInt(v.length);
        ensure(v.length);
        System.arraycopy(v, 0, buf, count, v.length);
        count += v.length;
        return this;
    }

    /** An ASCII string (most SQL and values) is copied straight into the buffer, without a UTF-8 copy first. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): exact for ASCII, and allocates nothing
    BinaryWriter writeString(String v) {
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) >= 0x80) {
                return writeBytes(v.getBytes(StandardCharsets.UTF_8));
            }
        }
        writeInt(v.length());
        ensure(v.length());
        v.getBytes(0, v.length(), buf, count);
        count += v.length();
        return this;
    }

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

    /** The bytes written; the buffer itself when the expected size was exact (no copy). */
    byte[] toByteArray() {
        return count == buf.length ? buf : Arrays.copyOf(buf, count);
    }

    /** Room for {@code n} more bytes: the exact need when one write is large, else doubling. */
    private void ensure(int n) {
        long need = (long) count + n;
        if (need <= buf.length) {
            return;
        }
        if (need > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("encoding larger than 2 GiB");
        }
        buf = Arrays.copyOf(buf, (int) Math.max(need, Math.min(Integer.MAX_VALUE - 8, 2L * buf.length)));
    }
}

package io.raftlite.core.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Request bodies that used to cost memory in proportion to their element count (issue 12), and one valid
 * body of 8 MiB (twice the default largest body, 4 MiB), for allocation measurements.
 */
final class HostileBodies {

    static final int EIGHT_MIB = 8 << 20;

    private HostileBodies() {
    }

    /** Every body by name, in a stable order; each made only when asked for, so a small heap holds one. */
    static Map<String, Supplier<byte[]>> all() {
        Map<String, Supplier<byte[]>> bodies = new LinkedHashMap<>();
        bodies.put("valid 8 MiB", () -> valid(EIGHT_MIB));
        bodies.put("4 MB [{},{},...]", () -> repeated("[", "{}", ",", "]", 4_000_000));
        bodies.put("1M-deep [[[[", () -> "[".repeat(1_000_000).getBytes(StandardCharsets.US_ASCII));
        bodies.put("1M-element blob array", () -> repeated("[[\"SELECT ?\",[", "200", ",", "]]]", 4_000_000));
        bodies.put("1M statements \"\"", () -> repeated("[", "\"\"", ",", "]", 3_000_000));
        bodies.put("10^6-digit number", () -> ("[[\"SELECT ?\"," + "7".repeat(1_000_000) + "]]")
                .getBytes(StandardCharsets.US_ASCII));
        bodies.put("invalid UTF-8 at the end", () -> spoiled(new byte[]{(byte) 0xC3}));
        bodies.put("NUL byte at the end", () -> spoiled(new byte[]{0}));
        bodies.put("lone surrogate at the end", () -> spoiled("\\ud800".getBytes(StandardCharsets.US_ASCII)));
        return bodies;
    }

    /**
     * About {@code size} bytes of parameterized INSERTs as a client would send them: text, integers,
     * floats, booleans, NULL, a hex BLOB and a byte-array BLOB, about 400 bytes per statement.
     */
    static byte[] valid(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 1024);
        out.writeBytes("[".getBytes(StandardCharsets.US_ASCII));
        String filler = "a row of ordinary text, long enough to look like a real column value ".repeat(3);
        for (int i = 0; out.size() < size - 600; i++) {
            String statement = (i == 0 ? "" : ",")
                    + "[\"INSERT INTO t(a, b, c, d, e, f, g, h) VALUES(?, ?, ?, ?, ?, ?, ?, ?)\", \"name-" + i
                    + "\", " + (1_000_000 + i) + ", " + i + ".25, true, null, \"x'00ff10'\", [1, 2, 250], \""
                    + filler + "\"]";
            out.writeBytes(statement.getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("]".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** {@code open + item (sep item)* + close}, about {@code size} bytes long. */
    static byte[] repeated(String open, String item, String sep, String close, int size) {
        StringBuilder sb = new StringBuilder(size + 64).append(open).append(item);
        while (sb.length() < size) {
            sb.append(sep).append(item);
        }
        return sb.append(close).toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A valid 8 MiB body whose last statement carries {@code bad} inside its SQL string. */
    static byte[] spoiled(byte[] bad) {
        byte[] valid = valid(EIGHT_MIB - 200);
        byte[] tail = "\"SELECT '".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream(valid.length + 64);
        out.write(valid, 0, valid.length - 1);
        out.write(',');
        out.writeBytes(tail);
        out.writeBytes(bad);
        out.writeBytes("'\"]".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}

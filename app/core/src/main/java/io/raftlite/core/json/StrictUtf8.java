package io.raftlite.core.json;

import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 (RFC 3629) checking: refuses malformed and truncated sequences, overlong forms, encoded
 * surrogates (U+D800..U+DFFF) and code points above U+10FFFF. The JDK decoder would silently replace
 * such bytes with U+FFFD, changing what a client sent without telling it.
 */
public final class StrictUtf8 {

    private StrictUtf8() {
    }

    /** Decodes {@code bytes}, refusing anything that is not strictly valid UTF-8. */
    public static String decode(byte[] bytes) throws JsonException {
        int bad = firstInvalidOffset(bytes);
        if (bad >= 0) {
            throw new JsonException("invalid UTF-8 at byte offset " + bad);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The offset of the first byte of the first invalid sequence, or -1 when all of {@code bytes} is valid. */
    public static int firstInvalidOffset(byte[] bytes) {
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int length = sequenceLength(bytes, i);
            if (length < 0) {
                return i;
            }
            i += length;
        }
        return -1;
    }

    /** Length of the valid multi-byte sequence starting at {@code i}, or -1. */
    private static int sequenceLength(byte[] bytes, int i) {
        int b = bytes[i] & 0xFF;
        int length;
        int min2;
        int max2;
        if (b >= 0xC2 && b <= 0xDF) {
            length = 2; min2 = 0x80; max2 = 0xBF;
        } else if (b == 0xE0) {
            length = 3; min2 = 0xA0; max2 = 0xBF; // E0 80..9F would be overlong
        } else if (b == 0xED) {
            length = 3; min2 = 0x80; max2 = 0x9F; // ED A0..BF would encode a surrogate
        } else if (b >= 0xE1 && b <= 0xEF) {
            length = 3; min2 = 0x80; max2 = 0xBF;
        } else if (b == 0xF0) {
            length = 4; min2 = 0x90; max2 = 0xBF; // F0 80..8F would be overlong
        } else if (b >= 0xF1 && b <= 0xF3) {
            length = 4; min2 = 0x80; max2 = 0xBF;
        } else if (b == 0xF4) {
            length = 4; min2 = 0x80; max2 = 0x8F; // above U+10FFFF otherwise
        } else {
            return -1; // continuation byte, C0/C1 (overlong) or F5..FF
        }
        if (i + length > bytes.length) {
            return -1;
        }
        int second = bytes[i + 1] & 0xFF;
        if (second < min2 || second > max2) {
            return -1;
        }
        for (int k = 2; k < length; k++) {
            if ((bytes[i + k] & 0xC0) != 0x80) {
                return -1;
            }
        }
        return length;
    }
}

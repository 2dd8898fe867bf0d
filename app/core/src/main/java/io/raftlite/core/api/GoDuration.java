package io.raftlite.core.api;

import java.time.Duration;

/**
 * Go's {@code time.ParseDuration}, which rqlite uses for query parameters and command-line flags: an optional
 * sign, then one or more {@code <decimal><unit>} terms ({@code 300ms}, {@code 1m30s}, {@code 1.5h}), units
 * {@code ns us µs μs ms s m h}; the bare string {@code 0} needs no unit.
 *
 * <p>The arithmetic follows Go's step by step, including its unsigned 64-bit nanosecond accumulator, its
 * overflow limits and its float64 computation of a term's fraction (so {@code 0.3333333333333333333h} is
 * exactly 20 minutes, as in Go).
 */
public final class GoDuration {

    /** 1 << 63 as an unsigned 64-bit value. */
    private static final long TWO_POW_63 = Long.MIN_VALUE;

    private GoDuration() {
    }

    /**
     * @throws IllegalArgumentException with Go's message ({@code time: invalid duration "x"}) when
     *                                  {@code text} is not a Go duration
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw invalid("");
        }
        String s = text;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw invalid(text);
        }
        long total = 0; // unsigned
        int[] pos = {0};
        while (pos[0] < s.length()) {
            long term = term(s, pos, text);
            long sum = total + term;
            if (Long.compareUnsigned(sum, total) < 0 || Long.compareUnsigned(sum, TWO_POW_63) > 0) {
                throw invalid(text);
            }
            total = sum;
        }
        if (negative) {
            return Duration.ofNanos(-total); // -(1 << 63) is Long.MIN_VALUE itself
        }
        if (total < 0) {
            throw invalid(text);
        }
        return Duration.ofNanos(total);
    }

    /** One {@code [0-9]*(\.[0-9]*)?unit} term starting at {@code pos[0]}, in unsigned nanoseconds. */
    private static long term(String s, int[] pos, String text) {
        int i = pos[0];
        char first = s.charAt(i);
        if (first != '.' && !isDigit(first)) {
            throw invalid(text);
        }
        long whole = 0;
        int start = i;
        for (; i < s.length() && isDigit(s.charAt(i)); i++) {
            if (Long.compareUnsigned(whole, Long.divideUnsigned(TWO_POW_63, 10)) > 0) {
                throw invalid(text);
            }
            whole = whole * 10 + (s.charAt(i) - '0');
            if (Long.compareUnsigned(whole, TWO_POW_63) > 0) {
                throw invalid(text);
            }
        }
        boolean pre = i > start;
        long fraction = 0;
        double scale = 1;
        boolean post = false;
        if (i < s.length() && s.charAt(i) == '.') {
            i++;
            boolean overflow = false;
            int fractionStart = i;
            for (; i < s.length() && isDigit(s.charAt(i)); i++) {
                if (overflow) {
                    continue;
                }
                if (Long.compareUnsigned(fraction, Long.MAX_VALUE / 10) > 0) {
                    overflow = true;
                    continue;
                }
                long next = fraction * 10 + (s.charAt(i) - '0');
                if (next < 0) { // beyond 1 << 63 - 1 as a signed long; Go's limit is 1 << 63
                    overflow = next != TWO_POW_63;
                    if (overflow) {
                        continue;
                    }
                }
                fraction = next;
                scale *= 10;
            }
            post = i > fractionStart;
        }
        if (!pre && !post) {
            throw invalid(text);
        }
        int unitStart = i;
        while (i < s.length() && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
            i++;
        }
        long unit = unitNanos(s.substring(unitStart, i), text);
        pos[0] = i;
        if (Long.compareUnsigned(whole, Long.divideUnsigned(TWO_POW_63, unit)) > 0) {
            throw invalid(text);
        }
        long v = whole * unit;
        if (fraction != 0) {
            v += (long) (unsignedToDouble(fraction) * ((double) unit / scale));
            if (Long.compareUnsigned(v, TWO_POW_63) > 0) {
                throw invalid(text);
            }
        }
        return v;
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? (double) v : 9.223372036854775808E18; // only 1 << 63 is "negative" here
    }

    private static long unitNanos(String unit, String text) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "\u00b5s", "\u03bcs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw invalid(text);
        };
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }
}

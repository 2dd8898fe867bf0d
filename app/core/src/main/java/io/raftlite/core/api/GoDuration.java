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
        int start = pos[0];
        if (s.charAt(start) != '.' && !isDigit(s.charAt(start))) {
            throw invalid(text);
        }
        long whole = leadingInt(s, pos, text);
        boolean pre = pos[0] > start;
        Fraction fraction = new Fraction(0, 1);
        boolean post = false;
        if (pos[0] < s.length() && s.charAt(pos[0]) == '.') {
            int fractionStart = ++pos[0];
            fraction = leadingFraction(s, pos);
            post = pos[0] > fractionStart;
        }
        if (!pre && !post) {
            throw invalid(text);
        }
        int unitStart = pos[0];
        while (pos[0] < s.length() && s.charAt(pos[0]) != '.' && !isDigit(s.charAt(pos[0]))) {
            pos[0]++;
        }
        long unit = unitNanos(s.substring(unitStart, pos[0]), text);
        if (Long.compareUnsigned(whole, Long.divideUnsigned(TWO_POW_63, unit)) > 0) {
            throw invalid(text);
        }
        long v = whole * unit;
        if (fraction.digits() != 0) {
            // Go computes this in float64: "needed to be nanosecond accurate for fractions of hours"
            v += (long) (unsignedToDouble(fraction.digits()) * ((double) unit / fraction.scale()));
            if (Long.compareUnsigned(v, TWO_POW_63) > 0) {
                throw invalid(text);
            }
        }
        return v;
    }

    /** Go's {@code leadingInt}: digits as an unsigned value of at most 1 << 63, else invalid. */
    private static long leadingInt(String s, int[] pos, String text) {
        long x = 0;
        for (; pos[0] < s.length() && isDigit(s.charAt(pos[0])); pos[0]++) {
            if (Long.compareUnsigned(x, Long.divideUnsigned(TWO_POW_63, 10)) > 0) {
                throw invalid(text);
            }
            x = x * 10 + (s.charAt(pos[0]) - '0');
            if (Long.compareUnsigned(x, TWO_POW_63) > 0) {
                throw invalid(text);
            }
        }
        return x;
    }

    /** The digits after a point, as {@code digits / scale}. */
    private record Fraction(long digits, double scale) {
    }

    /** Go's {@code leadingFraction}: digits beyond what fits 1 << 63 are consumed and ignored. */
    private static Fraction leadingFraction(String s, int[] pos) {
        long x = 0;
        double scale = 1;
        boolean overflow = false;
        for (; pos[0] < s.length() && isDigit(s.charAt(pos[0])); pos[0]++) {
            if (overflow) {
                continue;
            }
            if (Long.compareUnsigned(x, Long.MAX_VALUE / 10) > 0) {
                overflow = true;
                continue;
            }
            long next = x * 10 + (s.charAt(pos[0]) - '0');
            if (Long.compareUnsigned(next, TWO_POW_63) > 0) {
                overflow = true;
                continue;
            }
            x = next;
            scale *= 10;
        }
        return new Fraction(x, scale);
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

    /**
     * Go's {@code Duration.String}: {@code 0s}; under a second in the largest of {@code ns}, {@code µs},
     * {@code ms} with a fraction ({@code 402ns}, {@code 1.5ms}); else {@code [Nh][Nm]N[.frac]s} ({@code 1m0s},
     * {@code 2h0m3.5s}). Trailing zeros of a fraction are dropped.
     */
    public static String format(Duration d) {
        long n = d.toNanos();
        if (n == 0) {
            return "0s";
        }
        String sign = n < 0 ? "-" : "";
        n = Math.abs(n);
        if (n < 1_000) {
            return sign + n + "ns";
        }
        if (n < 1_000_000) {
            return sign + fraction(n, 3) + "µs";
        }
        if (n < 1_000_000_000) {
            return sign + fraction(n, 6) + "ms";
        }
        long seconds = n / 1_000_000_000;
        String text = fraction(seconds % 60 * 1_000_000_000 + n % 1_000_000_000, 9) + "s";
        long minutes = seconds / 60;
        if (minutes > 0) {
            text = minutes % 60 + "m" + text;
            if (minutes / 60 > 0) {
                text = minutes / 60 + "h" + text;
            }
        }
        return sign + text;
    }

    /** {@code v / 10^digits} in decimal, without trailing zeros in the fraction (and no point when it is 0). */
    private static String fraction(long v, int digits) {
        long scale = (long) Math.pow(10, digits);
        String frac = String.format("%0" + digits + "d", v % scale).replaceAll("0+$", "");
        return v / scale + (frac.isEmpty() ? "" : "." + frac);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }
}

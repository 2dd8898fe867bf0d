package io.raftlite.core.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats a double exactly as Go's {@code encoding/json} does: the shortest decimal that reads back as the
 * same double ({@code strconv.FormatFloat(f, fmt, -1, 64)}), in plain notation unless
 * {@code |f| < 1e-6} or {@code |f| >= 1e21}, where it uses exponent notation with a two-digit negative
 * exponent shortened ({@code 1e-07} becomes {@code 1e-7}, {@code 1e+21} stays).
 *
 * <p>We cannot use {@link Double#toString(double)}: before JDK 19 it sometimes prints more digits than the
 * shortest round-tripping form.
 */
public final class GoFloat {

    /** Leading digits of the exact value kept: enough to round correctly at any length up to 17. */
    private static final int PREFIX_DIGITS = 20;

    private GoFloat() {
    }

    /** Go's JSON text for {@code f}; NaN and the infinities, which Go refuses to encode, become {@code null}. */
    public static String format(double f) {
        if (Double.isNaN(f) || Double.isInfinite(f)) {
            return "null";
        }
        if (f == 0) {
            return Double.doubleToRawLongBits(f) < 0 ? "-0" : "0";
        }
        BigDecimal shortest = shortest(Math.abs(f)).stripTrailingZeros();
        String digits = shortest.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - shortest.scale(); // value = d.ddd x 10^exponent
        String sign = f < 0 ? "-" : "";
        double abs = Math.abs(f);
        if (abs < 1e-6 || abs >= 1e21) {
            return sign + scientific(digits, exponent);
        }
        return sign + plain(digits, exponent);
    }

    /**
     * The decimal with the fewest significant digits that reads back as {@code abs}; when rounding down and
     * rounding up at that length both do, the nearer one (ties to an even last digit), as Go picks.
     *
     * <p>Works from the first 20 digits of the exact binary value plus a "more digits follow" flag, which
     * decide rounding at any length up to 17. Whether some p-digit decimal reads back is monotonic in p, so
     * the length is found by binary search, each probe being one or two {@link Double#parseDouble} calls.
     */
    private static BigDecimal shortest(double abs) {
        if (abs < 0x1p53 && abs == Math.rint(abs)) {
            return BigDecimal.valueOf((long) abs); // an integer below 2^53: its digits are the shortest form
        }
        BigDecimal exact = new BigDecimal(abs);
        BigDecimal prefix = exact.round(new MathContext(PREFIX_DIGITS, RoundingMode.DOWN));
        boolean sticky = prefix.compareTo(exact) != 0;
        String raw = prefix.unscaledValue().toString();
        int pointExponent = raw.length() - prefix.scale(); // abs = 0.DIGITS x 10^pointExponent
        String digits = raw.length() >= PREFIX_DIGITS ? raw : raw + "0".repeat(PREFIX_DIGITS - raw.length());
        int lo = 1;
        int hi = 17; // 17 significant digits always read back
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (readsBack(down(digits, mid), mid, pointExponent, abs)
                    || readsBack(up(digits, mid, sticky), mid, pointExponent, abs)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        long down = down(digits, lo);
        long up = up(digits, lo, sticky);
        boolean downOk = readsBack(down, lo, pointExponent, abs);
        boolean upOk = readsBack(up, lo, pointExponent, abs);
        long chosen;
        if (downOk && upOk) {
            int vsHalf = restVersusHalf(digits, lo, sticky);
            chosen = vsHalf < 0 || (vsHalf == 0 && down % 2 == 0) ? down : up;
        } else {
            chosen = downOk ? down : up;
        }
        return new BigDecimal(BigInteger.valueOf(chosen), lo - pointExponent);
    }

    private static long down(String digits, int precision) {
        return Long.parseLong(digits, 0, precision, 10);
    }

    private static long up(String digits, int precision, boolean sticky) {
        boolean more = sticky;
        for (int i = precision; i < digits.length() && !more; i++) {
            more = digits.charAt(i) != '0';
        }
        return down(digits, precision) + (more ? 1 : 0);
    }

    /** Sign of (the digits after {@code precision}) minus one half of a unit in the last kept place. */
    private static int restVersusHalf(String digits, int precision, boolean sticky) {
        int first = digits.charAt(precision) - '0';
        if (first != 5) {
            return Integer.compare(first, 5);
        }
        for (int i = precision + 1; i < digits.length(); i++) {
            if (digits.charAt(i) != '0') {
                return 1;
            }
        }
        return sticky ? 1 : 0;
    }

    /** Whether {@code candidate x 10^(pointExponent - precision)} parses (round-half-even) to {@code abs}. */
    private static boolean readsBack(long candidate, int precision, int pointExponent, double abs) {
        return Double.parseDouble(candidate + "E" + (pointExponent - precision)) == abs;
    }

    private static String plain(String digits, int exponent) {
        int n = digits.length();
        if (exponent >= n - 1) {
            return digits + "0".repeat(exponent - (n - 1));
        }
        if (exponent >= 0) {
            return digits.substring(0, exponent + 1) + "." + digits.substring(exponent + 1);
        }
        return "0." + "0".repeat(-exponent - 1) + digits;
    }

    private static String scientific(String digits, int exponent) {
        StringBuilder sb = new StringBuilder();
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exponent < 0 ? '-' : '+');
        int abs = Math.abs(exponent);
        // strconv writes at least two exponent digits; encoding/json then drops the 0 of e-0X (not of e+0X)
        if (abs < 10 && exponent > 0) {
            sb.append('0');
        }
        sb.append(abs);
        return sb.toString();
    }
}

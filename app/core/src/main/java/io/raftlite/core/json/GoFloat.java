package io.raftlite.core.json;

import java.math.BigDecimal;
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
        BigDecimal shortest = shortest(f).stripTrailingZeros();
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
     * The decimal with the fewest significant digits that parses back to {@code f}; when rounding down and
     * rounding up at that length both do, the nearer one (ties to an even last digit), as Go picks.
     */
    private static BigDecimal shortest(double f) {
        BigDecimal exact = new BigDecimal(Math.abs(f));
        double target = Math.abs(f);
        for (int precision = 1; precision < 17; precision++) {
            BigDecimal down = exact.round(new MathContext(precision, RoundingMode.DOWN));
            BigDecimal up = exact.round(new MathContext(precision, RoundingMode.UP));
            boolean downOk = down.doubleValue() == target;
            boolean upOk = up.doubleValue() == target;
            if (downOk && upOk) {
                return exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            }
            if (downOk) {
                return down;
            }
            if (upOk) {
                return up;
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)); // 17 digits always round-trip
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

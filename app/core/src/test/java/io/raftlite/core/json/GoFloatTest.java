package io.raftlite.core.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoFloatTest {

    /** Expected strings are what Go's json.Marshal prints for the same float64. */
    @ParameterizedTest
    @CsvSource({
            "1.0, 1",
            "0.00886, 0.00886",
            "0.0152, 0.0152",
            "0.000173061, 0.000173061",
            "2.26e-7, 2.26e-7",
            "1e-7, 1e-7",
            "1e-6, 0.000001",
            "9.99e-7, 9.99e-7",
            "1.5e-10, 1.5e-10",
            "1e-300, 1e-300",
            "1e21, 1e+21",
            "1e20, 100000000000000000000",
            "123456789.125, 123456789.125",
            "-3.5, -3.5",
            "0.1, 0.1",
            "0.3, 0.3",
            "100, 100",
            "1.7976931348623157e308, 1.7976931348623157e+308",
            "4.9e-324, 5e-324",
            "2.2250738585072014e-308, 2.2250738585072014e-308",
            "5e-324, 5e-324",
            "123e25, 1.23e+27",
            "2.82879384806159e17, 282879384806159000",
            "0.30000000000000004, 0.30000000000000004",
    })
    void formatsAsGoEncodingJson(double value, String expected) {
        assertEquals(expected, GoFloat.format(value));
    }

    @Test
    void zerosAndNonFiniteValues() {
        assertEquals("0", GoFloat.format(0.0));
        assertEquals("-0", GoFloat.format(-0.0));
        assertEquals("null", GoFloat.format(Double.NaN));
        assertEquals("null", GoFloat.format(Double.POSITIVE_INFINITY));
    }

    @Test
    void outputIsShortestAndReadsBackToTheSameDouble() {
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                continue;
            }
            String s = GoFloat.format(d);
            assertEquals(d, Double.parseDouble(s), s);
            String mantissa = s.replaceFirst("^-", "").replaceFirst("e.*$", "").replace(".", "")
                    .replaceFirst("^0+", "").replaceFirst("0+$", "");
            // JDK 17's Double.toString is never shorter than the shortest form
            String jdk = Double.toString(Math.abs(d)).replaceFirst("E.*$", "").replace(".", "")
                    .replaceFirst("^0+", "").replaceFirst("0+$", "");
            assertTrue(mantissa.length() <= Math.max(1, jdk.length()), s + " vs " + Double.toString(d));
        }
    }

    @Test
    void agreesWithABruteForceShortestSearch() {
        Random random = new Random(11);
        for (int i = 0; i < 3_000; i++) {
            double d = switch (i % 3) {
                case 0 -> Double.longBitsToDouble(random.nextLong());
                case 1 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
                default -> Double.parseDouble(random.nextInt(100_000) + "e" + (random.nextInt(60) - 30));
            };
            if (Double.isNaN(d) || Double.isInfinite(d) || d == 0) {
                continue;
            }
            BigDecimal expected = bruteForceShortest(Math.abs(d));
            BigDecimal got = new BigDecimal(GoFloat.format(Math.abs(d)));
            assertEquals(0, expected.compareTo(got), d + ": expected " + expected + " got " + got);
        }
    }

    /** Fewest digits that parse back; of rounding down/up at that length, the nearer (ties to even). */
    private static BigDecimal bruteForceShortest(double abs) {
        BigDecimal exact = new BigDecimal(abs);
        for (int p = 1; p <= 17; p++) {
            BigDecimal down = exact.round(new MathContext(p, RoundingMode.DOWN));
            BigDecimal up = exact.round(new MathContext(p, RoundingMode.UP));
            boolean downOk = down.doubleValue() == abs;
            boolean upOk = up.doubleValue() == abs;
            if (downOk && upOk) {
                return exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            }
            if (downOk || upOk) {
                return downOk ? down : up;
            }
        }
        throw new AssertionError("17 digits always read back");
    }
}

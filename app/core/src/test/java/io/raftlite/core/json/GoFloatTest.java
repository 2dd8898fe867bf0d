package io.raftlite.core.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
}

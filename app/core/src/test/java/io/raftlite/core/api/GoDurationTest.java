package io.raftlite.core.api;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GoDurationTest {

    /** Cases from Go's time.ParseDuration tests, as nanoseconds. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0|0", "5s|5000000000", "30s|30000000000", "1478s|1478000000000", "-5s|-5000000000", "+5s|5000000000",
            "-0|0", "+0|0", "5.0s|5000000000", "5.6s|5600000000", "5.s|5000000000", ".5s|500000000",
            "1.0s|1000000000", "1.00s|1000000000", "1.004s|1004000000", "1.0040s|1004000000",
            "100.00100s|100001000000", "10ns|10", "11us|11000", "12µs|12000", "12μs|12000", "13ms|13000000",
            "14s|14000000000", "15m|900000000000", "16h|57600000000000", "3h30m|12600000000000",
            "10.5s4m|250500000000", "-2m3.4s|-123400000000", "1h2m3s4ms5us6ns|3723004005006",
            "39h9m14.425s|140954425000000", "52763797000ns|52763797000", "0.3333333333333333333h|1200000000000",
            "9007199254740993ns|9007199254740993", "9223372036854775807ns|9223372036854775807",
            "-9223372036854775808ns|-9223372036854775808", "0.100000000000000000000h|360000000000",
            "1.5h|5400000000000", "1.000000000000000000000000001s|1000000000", "9223372036.854775807s|9223372036854775807", "300ms|300000000", "1m30s|90000000000",
    })
    void parsesGoDurations(String text, long nanos) {
        assertEquals(Duration.ofNanos(nanos), GoDuration.parse(text));
    }

    /** Cases from Go's time.Duration.String tests. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0s|0", "1ns|1", "1.1µs|1100", "2.2ms|2200000", "3.3s|3300000000", "4m5s|245000000000",
            "4m5.001s|245001000000", "5h6m7.001s|18367001000000", "8m0.000000001s|480000000001",
            "2562047h47m16.854775807s|9223372036854775807", "-1ns|-1", "-1.1µs|-1100", "402ns|402", "1m0s|60000000000",
            "1h0m0s|3600000000000",
    })
    void formatsAsGoDoes(String text, long nanos) {
        assertEquals(text, GoDuration.format(Duration.ofNanos(nanos)));
        assertEquals(Duration.ofNanos(nanos), GoDuration.parse(text), "reads back");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "3", "-", "s", ".", "-.", ".s", "+.s", "1d", "1.2.3s", "5 s", " 5s", "5s ",
            "9223372036854775808ns", "-9223372036854775809ns", "3000000h", "1e3s", "0x10s", "5S", "1sec",
            "99999999999999999999999999999h"})
    void refusesWhatGoRefuses(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
        assertEquals("time: invalid duration \"" + text + "\"", e.getMessage());
    }
}

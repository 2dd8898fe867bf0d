package io.raftlite.server.render;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandsTest {

    @Test
    void aHangingCommandIsKilledAtItsTimeout() {
        Commands.Outcome o = Commands.run(List.of("sleep", "60"), Duration.ofMillis(200));
        assertEquals(Commands.TIMED_OUT, o.exitCode());
        assertTrue(o.output().contains("timed out"), o.output());
    }

    @Test
    void outputIsBoundedAndExitCodesAreKept() {
        Commands.Outcome o = Commands.run(List.of("sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x; exit 3"),
                Duration.ofSeconds(20));
        assertEquals(3, o.exitCode());
        assertTrue(o.output().length() < Commands.MAX_OUTPUT + 100, "length " + o.output().length());
        assertTrue(o.output().endsWith("[output truncated]"));
        assertEquals(-1, Commands.run(List.of("/no/such/program"), Duration.ofSeconds(5)).exitCode());
    }

    @Test
    void theTempFileIsOneArgumentWhateverItsName() {
        Path p = Path.of("/tmp/a b;rm -rf x");
        assertEquals(List.of("nginx", "-t", "-c", p.toString()), Commands.withFile(List.of("nginx", "-t", "-c", "{{.}}"), p));
        assertEquals(List.of("check", p.toString()), Commands.withFile(List.of("check", "$1"), p));
        assertEquals(List.of("check", p.toString()), Commands.withFile(List.of("check"), p), "appended when not named");
    }
}

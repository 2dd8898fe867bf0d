package io.raftlite.core.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12: one request body must never take a node's heap. Parses every {@link HostileBodies} body in a
 * JVM with the shipped heap ({@code -Xmx64m -XX:+ExitOnOutOfMemoryError}), which before the streaming
 * parser exited with OutOfMemoryError on {@code [{},{},...]} and on a million empty statements.
 */
class RequestParserMemoryTest {

    private static final long MIB = 1 << 20;

    @Test
    void everyHostileBodyIsAnsweredInA64MiBHeapWithBoundedAllocation(@TempDir Path dir) throws Exception {
        Map<String, String[]> lines = runForked(dir);
        assertEquals(HostileBodies.all().keySet(), lines.keySet(), "every body was parsed and reported");

        assertOutcome(lines, "valid 8 MiB", "23691 statements", 40 * MIB);
        assertOutcome(lines, "4 MB [{},{},...]", "400 invalid request", MIB);
        assertOutcome(lines, "1M-deep [[[[", "400 invalid JSON body", MIB);
        assertOutcome(lines, "1M-element blob array", "1 statements", 8 * MIB);
        assertOutcome(lines, "1M statements \"\"", "400 too many statements: more than 100000 in one request", 8 * MIB);
        assertOutcome(lines, "10^6-digit number",
                "400 invalid JSON body: Number value length (1000000) exceeds the maximum allowed (1000)", 4 * MIB);
        assertOutcome(lines, "invalid UTF-8 at the end", "400 invalid JSON body", MIB);
        assertOutcome(lines, "NUL byte at the end", "400 invalid JSON body", 40 * MIB);
        assertOutcome(lines, "lone surrogate at the end", "400 invalid JSON body", 40 * MIB);
    }

    private static void assertOutcome(Map<String, String[]> lines, String body, String outcome, long maxAllocated) {
        String[] line = lines.get(body);
        assertEquals(outcome, line[3], body);
        long allocated = Long.parseLong(line[2]);
        assertTrue(allocated <= maxAllocated, body + ": " + allocated + " bytes allocated, more than " + maxAllocated);
    }

    /** Runs {@link ParseAllocation} in a JVM with the shipped heap options; its lines by body name. */
    private static Map<String, String[]> runForked(Path dir) throws IOException, InterruptedException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Path out = dir.resolve("out.txt");
        Process process = new ProcessBuilder(List.of(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), ParseAllocation.class.getName()))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the forked parser finished");
        } finally {
            process.destroyForcibly();
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "the forked parser exited normally (3 = OutOfMemoryError):\n" + text);
        Map<String, String[]> lines = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] fields = line.split("\t");
            if (fields.length == 4) {
                lines.put(fields[0], fields);
            }
        }
        return lines;
    }
}

package io.raftlite.server.render;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RenderServiceTest {

    @TempDir
    Path dir;

    @Test
    void aBurstOfWritesGivesOneRenderAndOneReload() throws Exception {
        FakeSource db = new FakeSource();
        db.settings.put("n", "0");
        Path template = dir.resolve("t.peb");
        Files.writeString(template, "{% for r in query(\"SELECT k, v FROM settings\") %}{{ r.v }}{% endfor %}");
        Path out = dir.resolve("out.txt");
        Path reloads = dir.resolve("reloads.log");
        RenderSpec spec = new RenderSpec(template, out, null, null, List.of(),
                List.of("sh", "-c", "cat \"$0\" >> \"$1\"; echo >> \"$1\"", out.toString(), reloads.toString()),
                Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofSeconds(5), Duration.ZERO);
        AtomicLong index = new AtomicLong(1);
        try (PollingTableChanges changes = new PollingTableChanges(index::get, Duration.ofMillis(10));
             RenderService service = new RenderService(List.of(spec), db, changes, Duration.ofMillis(50),
                     (n, r) -> { }).start()) {
            awaitContent(reloads, "0\n");
            for (int i = 1; i <= 20; i++) { // writes far closer together than wait.min
                db.settings.put("n", String.valueOf(i));
                index.incrementAndGet();
            }
            awaitContent(out, "20");
            awaitContent(reloads, "0\n20\n");
            assertEquals("", service.status().get(0).get("last_error"));
        }
        assertEquals("0\n20\n", Files.readString(reloads), "one reload for the start, one for the burst");
    }

    private static void awaitContent(Path file, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Files.exists(file) && Files.readString(file).equals(expected)) {
                    return;
                }
            } catch (java.io.IOException e) {
                // being replaced; read again
            }
            Thread.sleep(10); // polling interval of the deadline loop, not a wait for an event
        }
        assertTrue(Files.exists(file), file + " exists");
        assertEquals(expected, Files.readString(file));
    }

}

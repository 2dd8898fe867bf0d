package io.raftlite.server.render;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RendererTest {

    @TempDir
    Path dir;

    private final FakeSource db = new FakeSource();

    private Renderer renderer(List<String> check, List<String> reload) throws Exception {
        Path template = dir.resolve("app.conf.peb");
        Files.writeString(template, "{% for r in query(\"SELECT k, v FROM settings\") %}{{ r.k }}={{ r.v }}\n{% endfor %}");
        RenderSpec spec = new RenderSpec(template, dir.resolve("out/app.conf"),
                PosixFilePermissions.fromString("rw-r-----"), null, check, reload, Duration.ofSeconds(10),
                Duration.ZERO, Duration.ZERO, Duration.ofSeconds(5));
        return new Renderer(spec, db, new SqlTemplate(), (n, r) -> { });
    }

    @Test
    void writesAtomicallyWithItsPermsAndLeavesEqualContentAlone() throws Exception {
        db.settings.put("port", "80");
        Renderer r = renderer(List.of(), List.of());
        Path out = dir.resolve("out/app.conf");
        assertEquals(Renderer.Result.WRITTEN, r.render());
        assertEquals("port=80\n", Files.readString(out));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        FileTime old = FileTime.fromMillis(1_000_000_000L);
        Files.setLastModifiedTime(out, old);

        assertEquals(Renderer.Result.UNCHANGED, r.render());
        assertEquals(old, Files.getLastModifiedTime(out), "equal content does not touch the file");
        db.settings.put("port", "81");
        assertEquals(Renderer.Result.WRITTEN, r.render());
        assertEquals("port=81\n", Files.readString(out));
        try (var files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList(), "no temp file left behind");
        }
    }

    @Test
    void aFailingCheckKeepsTheOldFileAndSaysWhy() throws Exception {
        db.settings.put("port", "80");
        Path out = dir.resolve("out/app.conf");
        // the check refuses any file that sets port=bad, and sees the new content in its argument
        Renderer r = renderer(List.of("sh", "-c", "echo checking; ! grep -q port=bad \"$0\"", "{{.}}"), List.of());
        assertEquals(Renderer.Result.WRITTEN, r.render());
        db.settings.put("port", "bad");
        assertEquals(Renderer.Result.CHECK_FAILED, r.render());
        assertEquals("port=80\n", Files.readString(out), "old file kept");
        Map<String, Object> status = r.status();
        assertTrue(String.valueOf(status.get("last_error")).contains("check_command exited 1"), status.toString());
        assertTrue(String.valueOf(status.get("last_error")).contains("checking"), "its output is logged");
        try (var files = Files.list(out.getParent())) {
            assertEquals(1, files.count(), "the rejected temp file is removed");
        }
    }

    @Test
    void aStaleNodeWritesNothingAndReloadsReportTheirExitCode() throws Exception {
        db.settings.put("port", "80");
        Path out = dir.resolve("out/app.conf");
        Renderer r = renderer(List.of(), List.of("sh", "-c", "exit 7"));
        db.stale = "node not ready";
        assertEquals(Renderer.Result.STALE, r.render());
        assertFalse(Files.exists(out));
        db.stale = null;
        assertEquals(Renderer.Result.WRITTEN, r.render());
        assertEquals(7, r.status().get("last_reload_exit_code"));
        assertEquals(List.of("settings"), r.status().get("tables"));
    }
}

package io.raftlite.server.backup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AutoBackupTest {

    @TempDir
    Path tmp;

    /** A database stand-in: its content and applied index are set by the test. */
    private static final class FakeSource implements AutoBackup.Source {
        long index = 1;
        byte[] content = "one".getBytes();

        @Override
        public boolean isLeader() {
            return true;
        }

        @Override
        public long appliedIndex() {
            return index;
        }

        @Override
        public void backup(Path target) {
            try {
                Files.write(target, content);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private AutoBackup backup(FakeSource source, Path dir) throws IOException {
        Files.createDirectories(tmp.resolve("work"));
        AutoBackupConfig config = new AutoBackupConfig(Duration.ofDays(1), false, true, false, dir, "db.gz");
        return new AutoBackup(config, source, tmp.resolve("work"),
                Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC)).start();
    }

    @Test
    void writesOnlyWhatChangedAndRemembersItAcrossRestarts() throws Exception {
        Path dir = tmp.resolve("bk");
        FakeSource source = new FakeSource();
        try (AutoBackup b = backup(source, dir)) {
            assertTrue(b.backupIfChanged());
            assertArrayEquals("one".getBytes(), gunzip(dir.resolve("db.gz")));
            assertFalse(b.backupIfChanged(), "same index");
            source.index = 2;
            assertFalse(b.backupIfChanged(), "index moved, same content (e.g. a new leader's entry)");
            source.index = 3;
            source.content = "two".getBytes();
            assertTrue(b.backupIfChanged());
            assertArrayEquals("two".getBytes(), gunzip(dir.resolve("db.gz")));
            assertEquals("3", b.status().get("last_index"));
            assertEquals(2L, b.status().get("num_uploads_ok"));
            assertEquals(2L, b.status().get("num_uploads_skipped"));
        }
        try (AutoBackup restarted = backup(source, dir)) {
            assertFalse(restarted.backupIfChanged(), "METADATA.json's sha256 says it is already there");
        }
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "db.gz and METADATA.json, no temp file left");
        }
        try (var files = Files.list(tmp.resolve("work"))) {
            assertEquals(0, files.count(), "the uncompressed copies are gone");
        }
    }

    private static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }
}

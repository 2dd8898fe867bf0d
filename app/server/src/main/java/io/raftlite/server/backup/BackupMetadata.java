package io.raftlite.server.backup;

import io.raftlite.core.json.Json;
import io.raftlite.core.json.JsonException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * rqlite's {@code METADATA.json} next to the backups ({@code {"id":"<index>","timestamp":ms,"name":path}}), plus
 * {@code sha256}, the hash of the uncompressed copy, so a restarted or new leader skips an unchanged backup.
 */
final class BackupMetadata {

    static final String FILE = "METADATA.json";

    private BackupMetadata() {
    }

    /** The metadata in {@code dir}, empty when there is none or it cannot be read. */
    static Map<?, ?> read(Path dir) {
        try {
            return Json.parse(Files.readAllBytes(dir.resolve(FILE))) instanceof Map<?, ?> m ? m : Map.of();
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException | JsonException e) {
            return Map.of();
        }
    }

    static void write(Path dir, String id, String sha256, long timestampMillis, Path name) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("timestamp", timestampMillis);
        m.put("name", name.toString());
        m.put("sha256", sha256);
        Path part = Files.createTempFile(dir, "." + FILE + ".", ".tmp");
        try {
            Files.write(part, Json.write(m, false).getBytes(StandardCharsets.UTF_8));
            fsyncAndRename(part, dir.resolve(FILE));
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** fsyncs {@code part}, renames it over {@code dest} atomically, fsyncs the directory. */
    static void fsyncAndRename(Path part, Path dest) throws IOException {
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.setPosixFilePermissions(part, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        Files.move(part, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dest.getParent(), StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot fsync a directory; the rename itself is atomic
        }
    }
}

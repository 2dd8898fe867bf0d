package io.raftlite.server.http;

import io.micronaut.http.HttpRequest;
import io.raftlite.server.DataDirectory;
import io.raftlite.server.config.NodeSettings;
import io.raftlite.server.config.SettingsResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A backup that fails half-way leaves nothing in the data directory's tmp/ (it used to leave a temp dir each time). */
class BackupControllerTest {

    @TempDir
    Path dataDir;

    @Test
    void aFailedCopyIsRemovedAtOnce() throws Exception {
        DataDirectory.prepare(dataDir);
        BackupSource failing = new BackupSource() {
            @Override
            public void backup(Path target) {
                try {
                    Files.writeString(target, "half a database");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                throw new IllegalStateException("disk full");
            }

            @Override
            public void dumpSql(Writer out) {
                throw new UncheckedIOException(new IOException("disk full"));
            }
        };
        BackupController controller = new BackupController(failing, settings());
        for (String uri : List.of("/db/backup", "/db/backup?fmt=sql", "/db/backup?compress")) {
            assertThrows(RuntimeException.class, () -> controller.backup(HttpRequest.GET(uri)));
        }
        try (Stream<Path> left = Files.list(DataDirectory.tmp(dataDir))) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("backup")).toList());
        }
    }

    private NodeSettings settings() throws Exception {
        return ((SettingsResolver.Run) SettingsResolver.resolve(new String[]{dataDir.toString()}, Map.of())).settings();
    }
}

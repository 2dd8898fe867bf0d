package io.raftlite.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a start does to a data directory that a run under umask 022 and a crash left behind. */
class DataDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void aStartMakesEverythingOwnerOnlyAndEmptiesTmp() throws Exception {
        Path data = tmp.resolve("data");
        Path raft = Files.createDirectories(data.resolve("raft").resolve("group"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path db = Files.writeString(data.resolve("db.sqlite"), "db");
        Path segment = Files.writeString(raft.resolve("log_0-1"), "entries");
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(segment, PosixFilePermissions.fromString("rw-rw-rw-"));
        Path leftover = Files.createDirectories(data.resolve("tmp").resolve("backup42"));
        Files.writeString(leftover.resolve("backup"), "a copy a crash left");
        Files.writeString(data.resolve("tmp").resolve("sqlite-3-x-libsqlitejdbc.so"), "a library copy");

        DataDirectory.prepare(data);

        try (Stream<Path> all = Files.walk(data)) {
            for (Path p : all.toList()) {
                assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------",
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
            }
        }
        assertFalse(Files.exists(leftover));
        try (Stream<Path> left = Files.list(DataDirectory.tmp(data))) {
            assertEquals(List.of(), left.toList());
        }
        assertTrue(Files.exists(db) && Files.exists(segment), "data is kept");
        assertEquals(DataDirectory.tmp(data).toAbsolutePath().toString(), System.getProperty("org.sqlite.tmpdir"));
    }
}

package io.raftlite.core.db;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.concurrent.CompletableFuture;

import static io.raftlite.core.db.DatabaseTest.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A pinned copy holds the state of the moment it was pinned, whatever the apply thread writes later. */
class PinnedCopyTest {

    @TempDir
    Path dir;
    Database db;

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private Database open() {
        db = Database.open(dir.resolve("live.sqlite"), 1);
        exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v)");
        for (int i = 0; i < 50; i++) {
            exec(db, "INSERT INTO t(v) VALUES (randomblob(2000))"); // ~100 KB: the backup takes several steps
        }
        return db;
    }

    private static long count(Path file) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int headerByte(Path file, int offset) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(offset + 1)[offset];
        }
    }

    @Test
    void writesAfterThePinAreNotInTheCopyAndTheCopyIsStandalone() throws Exception {
        open();
        Path copy = dir.resolve("copy.sqlite");
        try (PinnedCopy pinned = db.pin()) {
            exec(db, "INSERT INTO t(v) VALUES (1)");
            exec(db, "DELETE FROM t WHERE id <= 10");
            pinned.writeTo(copy);
        }
        assertEquals(50, count(copy), "the copy is the pinned state");
        assertEquals(41, count(dir.resolve("live.sqlite")), "the live file went on");
        assertEquals(1, headerByte(copy, 18), "a rollback-journal file, as VACUUM INTO writes one");
        assertFalse(Files.exists(Path.of(copy + "-wal")));
        assertThrows(IllegalArgumentException.class, () -> {
            try (PinnedCopy again = db.pin()) {
                again.writeTo(copy);
            }
        });
    }

    @Test
    void theLiveFileIsNotSwappedWhileACopyIsPinned() throws Exception {
        open();
        Path other = dir.resolve("other.sqlite");
        db.copyTo(other);
        exec(db, "DELETE FROM t");
        PinnedCopy pinned = db.pin();
        Thread[] applier = new Thread[1];
        CompletableFuture<Void> restore = CompletableFuture.runAsync(() -> {
            applier[0] = Thread.currentThread();
            db.restoreFrom(other);
        });
        while (applier[0] == null || applier[0].getState() != Thread.State.WAITING) {
            assertFalse(restore.isDone(), "restoreFrom waits for the pinned copy");
            Thread.onSpinWait();
        }
        Path copy = dir.resolve("copy.sqlite");
        pinned.writeTo(copy);
        pinned.close();
        restore.get();
        assertEquals(0, count(copy));
        assertEquals(50, count(dir.resolve("live.sqlite")));
    }
}

package io.raftlite.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The data directory's hygiene, whatever the umask and however the last run ended: the directory is 0700 and
 * everything in it owner-only (directories 0700, files 0600), and {@code tmp/} (backup copies, sqlite-jdbc's
 * copy of its native library) starts empty, so crashes leave nothing behind that a later start keeps.
 */
public final class DataDirectory {

    /** Scratch space under the data directory; emptied at every start. */
    public static final String TMP = "tmp";
    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private DataDirectory() {
    }

    /**
     * Creates the directory if needed, makes it and its contents owner-only, empties {@link #TMP} and points
     * sqlite-jdbc's library extraction there (before the first SQLite use, which loads the library once per JVM).
     */
    public static void prepare(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Path tmp = tmp(dataDir);
            if (Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
                deleteTree(tmp);
            }
            Files.createDirectory(tmp);
            restrict(dataDir);
            System.setProperty("org.sqlite.tmpdir", tmp.toAbsolutePath().toString());
        } catch (UnsupportedOperationException e) {
            LOG.warn("{}: no POSIX permissions on this file system; its modes are left as they are", dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    public static Path tmp(Path dataDir) {
        return dataDir.resolve(TMP);
    }

    /** Directories 0700 and regular files 0600, the tree under {@code dir} included; links are not followed. */
    public static void restrict(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                set(d, DIR);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    set(f, FILE);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) { // removed meanwhile (a purged log segment, a WAL)
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    private static void set(Path p, Set<PosixFilePermission> mode) throws IOException {
        try {
            Files.setPosixFilePermissions(p, mode);
        } catch (NoSuchFileException gone) {
            // removed while we walked: nothing to restrict
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                Files.delete(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

package io.raftlite.server.render;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Arrays;
import java.util.Set;

/** Writes a file by temp file in the same directory, fsync and rename, so readers see the old or the new file. */
final class AtomicFile {

    private AtomicFile() {
    }

    /** True when {@code dest} holds exactly {@code content} (then it is left alone, mtime included). */
    static boolean same(Path dest, byte[] content) throws IOException {
        return Files.isRegularFile(dest) && Files.size(dest) == content.length
                && Arrays.equals(Files.readAllBytes(dest), content);
    }

    /** A fsynced temp file next to {@code dest} holding {@code content}; the caller renames or deletes it. */
    static Path stage(Path dest, byte[] content) throws IOException {
        Path dir = dest.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + dest.getFileName() + ".", ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }

    /**
     * Applies permissions (given, else the old file's, else 0644) and owner to {@code tmp}, renames it over
     * {@code dest} and fsyncs the directory.
     */
    static void commit(Path tmp, Path dest, Set<PosixFilePermission> perms, String owner) throws IOException {
        try {
            Set<PosixFilePermission> mode = perms != null ? perms
                    : Files.exists(dest) ? Files.getPosixFilePermissions(dest)
                    : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
            Files.setPosixFilePermissions(tmp, mode);
            if (owner != null && !owner.isBlank()) {
                chown(tmp, owner);
            }
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try (FileChannel dir = FileChannel.open(dest.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // some file systems cannot fsync a directory; the rename itself is atomic
        }
    }

    private static void chown(Path file, String owner) throws IOException {
        String[] parts = owner.split(":", 2);
        UserPrincipalLookupService users = file.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (!parts[0].isEmpty()) {
            view.setOwner(users.lookupPrincipalByName(parts[0]));
        }
        if (parts.length > 1 && !parts[1].isEmpty()) {
            GroupPrincipal group = users.lookupPrincipalByGroupName(parts[1]);
            view.setGroup(group);
        }
    }
}

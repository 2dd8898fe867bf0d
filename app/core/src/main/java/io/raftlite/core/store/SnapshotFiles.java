package io.raftlite.core.store;

import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The snapshot files in Ratis' {@code sm/} directory ({@code snapshot.<term>_<index>} plus {@code .md5}),
 * and the log segment names in {@code current/}: choosing the newest snapshot that verifies, moving
 * corrupt ones out of Ratis' sight, and writing a new one durably.
 */
final class SnapshotFiles {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFiles.class);
    static final String TMP_SUFFIX = ".tmp";
    static final String CORRUPT_SUFFIX = ".corrupt";
    private static final Pattern LOG_SEGMENT = Pattern.compile("log_(?:inprogress_)?(\\d+)(?:-\\d+)?");

    private SnapshotFiles() {
    }

    /**
     * The newest snapshot whose MD5 file exists and matches its content. Every newer snapshot that does not
     * verify is logged at ERROR and renamed {@code *.corrupt} (so Ratis neither serves nor counts it);
     * leftover {@code *.tmp} files from an interrupted snapshot are deleted.
     */
    static Optional<SingleFileSnapshotInfo> newestValid(Path smDir) throws IOException {
        if (!Files.isDirectory(smDir)) {
            return Optional.empty();
        }
        deleteLeftoverTmpFiles(smDir);
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(smDir)) {
            for (Path p : dir) {
                if (SimpleStateMachineStorage.SNAPSHOT_REGEX.matcher(p.getFileName().toString()).matches()) {
                    candidates.add(p);
                }
            }
        }
        candidates.sort(Comparator.comparingLong((Path p) -> termIndex(p).getIndex()).reversed());
        for (Path p : candidates) {
            Optional<MD5Hash> md5 = verifiedMd5(p);
            if (md5.isPresent()) {
                return Optional.of(new SingleFileSnapshotInfo(new FileInfo(p, md5.get()), termIndex(p)));
            }
            quarantine(p);
        }
        return Optional.empty();
    }

    static TermIndex termIndex(Path snapshot) {
        return SimpleStateMachineStorage.getTermIndexFromSnapshotFile(snapshot.toFile());
    }

    /** The lowest index still in the log according to the segment file names, empty when there are none. */
    static OptionalLong logStartIndex(Path currentDir) throws IOException {
        if (!Files.isDirectory(currentDir)) {
            return OptionalLong.empty();
        }
        long min = Long.MAX_VALUE;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(currentDir, "log_*")) {
            for (Path p : dir) {
                Matcher m = LOG_SEGMENT.matcher(p.getFileName().toString());
                if (m.matches()) {
                    min = Math.min(min, Long.parseLong(m.group(1)));
                }
            }
        }
        return min == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(min);
    }

    /**
     * Writes a snapshot: {@code writer} fills a temporary file, which is fsync'd, renamed atomically to
     * {@code target}, then its MD5 file is written. A crash at any point leaves either no snapshot, or a
     * snapshot without MD5 (skipped on start), or a complete one.
     */
    static SingleFileSnapshotInfo write(File target, TermIndex termIndex, Consumer<Path> writer) throws IOException {
        Path dst = target.toPath();
        Path tmp = dst.resolveSibling(dst.getFileName() + TMP_SUFFIX);
        Files.deleteIfExists(tmp);
        writer.accept(tmp);
        fsync(tmp, false);
        Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(target);
        fsync(dst.getParent(), true);
        return new SingleFileSnapshotInfo(new FileInfo(dst, md5), termIndex);
    }

    private static Optional<MD5Hash> verifiedMd5(Path snapshot) {
        try {
            MD5Hash stored = MD5FileUtil.readStoredMd5ForFile(snapshot.toFile());
            if (stored == null) {
                LOG.error("Snapshot {} has no MD5 file (an interrupted snapshot?): skipping it", snapshot);
                return Optional.empty();
            }
            MD5Hash actual = MD5FileUtil.computeMd5ForFile(snapshot.toFile());
            if (!stored.equals(actual)) {
                LOG.error("Snapshot {} is CORRUPT: MD5 {} but its .md5 file says {}; skipping it", snapshot, actual, stored);
                return Optional.empty();
            }
            return Optional.of(stored);
        } catch (IOException e) {
            LOG.error("Snapshot {} cannot be verified; skipping it", snapshot, e);
            return Optional.empty();
        }
    }

    private static void quarantine(Path snapshot) throws IOException {
        String stamp = CORRUPT_SUFFIX + "-" + System.currentTimeMillis();
        Files.move(snapshot, snapshot.resolveSibling(snapshot.getFileName() + stamp), StandardCopyOption.ATOMIC_MOVE);
        Path md5 = MD5FileUtil.getDigestFileForFile(snapshot.toFile()).toPath();
        if (Files.exists(md5)) {
            Files.move(md5, md5.resolveSibling(md5.getFileName() + stamp), StandardCopyOption.ATOMIC_MOVE);
        }
        LOG.error("Moved unusable snapshot {} aside as {}{}", snapshot, snapshot.getFileName(), stamp);
    }

    private static void deleteLeftoverTmpFiles(Path smDir) throws IOException {
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(smDir, "snapshot.*" + TMP_SUFFIX)) {
            for (Path p : dir) {
                LOG.warn("Deleting leftover partial snapshot {}", p);
                Files.deleteIfExists(p);
            }
        }
    }

    private static void fsync(Path path, boolean directory) throws IOException {
        try (FileChannel ch = FileChannel.open(path, directory ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            if (!directory) {
                throw e;
            }
            // some platforms cannot open a directory for fsync; the file itself is already durable
        }
    }
}

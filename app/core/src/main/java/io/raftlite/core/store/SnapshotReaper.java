package io.raftlite.core.store;

import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * rqlite's {@code POST /reap} mapped onto Ratis' snapshot directory: every snapshot file older than the newest
 * one (and its {@code .md5}) is deleted, so {@code sm/} holds one snapshot instead of the newest plus the
 * fallback Ratis keeps ({@link RaftPropertiesFactory#SNAPSHOTS_RETAINED}). The newest snapshot, the one
 * Ratis has recorded as latest, and quarantined {@code *.corrupt-*} files (kept for inspection) are never
 * touched. Safe while Ratis takes or cleans up snapshots: a file already gone is not counted, and a snapshot
 * newer than the ones listed is not looked at.
 */
final class SnapshotReaper {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReaper.class);

    private SnapshotReaper() {
    }

    /**
     * Deletes the snapshots in {@code smDir} older than the newest, never the one at {@code keepIndex} (Ratis'
     * latest, -1 when none); returns how many snapshot files were deleted.
     */
    static int reap(Path smDir, long keepIndex) throws IOException {
        if (!Files.isDirectory(smDir)) {
            return 0;
        }
        List<Path> snapshots = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(smDir)) {
            for (Path p : dir) {
                if (SimpleStateMachineStorage.SNAPSHOT_REGEX.matcher(p.getFileName().toString()).matches()) {
                    snapshots.add(p);
                }
            }
        }
        long newest = snapshots.stream().mapToLong(p -> SnapshotFiles.termIndex(p).getIndex()).max().orElse(-1);
        int reaped = 0;
        for (Path p : snapshots) {
            long index = SnapshotFiles.termIndex(p).getIndex();
            if (index == newest || index == keepIndex) {
                continue;
            }
            Path md5 = MD5FileUtil.getDigestFileForFile(p.toFile()).toPath();
            if (Files.deleteIfExists(p)) {
                reaped++;
                LOG.info("Reaped snapshot {} (the newest is at index {})", p.getFileName(), newest);
            }
            Files.deleteIfExists(md5);
        }
        return reaped;
    }
}

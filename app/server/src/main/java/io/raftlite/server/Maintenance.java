package io.raftlite.server;

import io.raftlite.core.store.RaftStore;
import io.raftlite.server.backup.AutoBackup;
import io.raftlite.server.backup.AutoBackupConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What runs beside the store for rqlite's operator flags: {@code -auto-backup} ({@link AutoBackup}) while the node
 * runs, and {@code -raft-cluster-remove-shutdown} ({@link RemoveOnShutdown}) when it stops. Created after the
 * store and closed before it (it depends on it), so the removal still has a running store.
 */
final class Maintenance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    private final RaftStore store;
    private final String selfId;
    private final boolean removeOnShutdown;
    private final AutoBackup backup;

    Maintenance(RaftStore store, String selfId, boolean removeOnShutdown, AutoBackupConfig backupConfig, Path tmp) {
        this.store = store;
        this.selfId = selfId;
        this.removeOnShutdown = removeOnShutdown;
        if (backupConfig == null) {
            this.backup = null;
            return;
        }
        try {
            this.backup = new AutoBackup(backupConfig, new AutoBackup.Source() {
                @Override
                public boolean isLeader() {
                    return store.isLeader();
                }

                @Override
                public long appliedIndex() {
                    return store.status().appliedIndex();
                }

                @Override
                public void backup(Path target) {
                    store.backup(target);
                }
            }, tmp, Clock.systemUTC()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("-auto-backup: cannot write to " + backupConfig.dir() + ": " + e.getMessage(), e);
        }
    }

    /** rqlite's {@code auto_backups} section of {@code /status}, or null when {@code -auto-backup} is off. */
    Supplier<Map<String, Object>> backupStatus() {
        return backup == null ? () -> null : backup::status;
    }

    @Override
    public void close() {
        if (backup != null) {
            backup.close();
        }
        if (removeOnShutdown) {
            LOG.info("-raft-cluster-remove-shutdown: removing {} from the cluster before stopping", selfId);
            RemoveOnShutdown.run(store, selfId);
        }
    }
}

package io.raftlite.server;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.raftlite.core.store.RaftStore;
import io.raftlite.server.config.NodeSettings;
import io.raftlite.server.http.SnapshotApi;
import io.raftlite.server.http.SnapshotStore;
import io.raftlite.server.http.StatusApi;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * rqlite's operator features of issue 17: {@code POST /snapshot}, {@code POST /reap}, {@code -auto-backup} and
 * {@code -raft-cluster-remove-shutdown}; kept apart from {@link NodeFactory} so each stays small.
 */
@Factory
class OpsFactory {

    @Singleton
    SnapshotApi snapshotApi(RaftStore store) {
        return new SnapshotApi(new SnapshotStore() {
            @Override
            public long snapshot(Duration timeout) throws InterruptedException {
                return store.snapshot(timeout);
            }

            @Override
            public int reapSnapshots() {
                return store.reapSnapshots();
            }
        });
    }

    /** Eager: the backups start with the node, and a destination that cannot be written fails the start. */
    @Context
    @Bean(preDestroy = "close")
    Maintenance maintenance(RaftStore store, NodeSettings s, NodeInfo info, StatusApi status,
                            io.raftlite.server.http.BackupTimeFilter backups) {
        Maintenance m = new Maintenance(store, info.nodeId(), s.clusterRemoveShutdown(), s.autoBackup(),
                DataDirectory.tmp(s.dataDir()));
        status.section("auto_backups", m.backupStatus());
        status.section("last_backup_time", backups::lastBackupTime);
        return m;
    }
}

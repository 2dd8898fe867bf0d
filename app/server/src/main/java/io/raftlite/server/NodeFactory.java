package io.raftlite.server;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import io.raftlite.core.queue.WriteQueue;
import io.raftlite.core.store.RaftStore;
import io.raftlite.core.store.StoreConfig;
import io.raftlite.core.store.StoreStatus;
import io.raftlite.server.config.NodeSettings;
import io.raftlite.server.http.BackupSource;
import io.raftlite.server.http.DataApi;
import io.raftlite.server.http.DataStore;
import io.raftlite.server.http.Leadership;
import io.raftlite.server.http.StatusApi;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/** The composition root: builds the core objects with {@code new}; Micronaut closes them on shutdown. */
@Factory
class NodeFactory {

    /** Started eagerly ({@code @Context}) so a node that cannot open its log fails at start, not on first use. */
    @Context
    @Bean(preDestroy = "close")
    RaftStore raftStore(NodeSettings s, NodeInfo info) {
        RaftStore store = new RaftStore(new StoreConfig(info.nodeId(), s.raftAddr().toString(),
                s.raftAdvAddr().toString(), s.dataDir(), s.clusterName(), s.snapshotThreshold(),
                s.logSegmentSizeBytes(), s.readConnections(), s.applyTimeout()));
        try {
            store.start();
        } catch (IOException e) {
            store.close();
            throw new UncheckedIOException("cannot start the Raft store in " + s.dataDir() + ": " + e.getMessage(), e);
        }
        return store;
    }

    @Singleton
    DataStore dataStore(RaftStore store) {
        return new DataStore() {
            @Override
            public CompletableFuture<CommandResult> submit(Command command) {
                return store.submit(command);
            }

            @Override
            public CompletableFuture<List<StatementResult>> readLinearizable(List<Statement> statements,
                                                                             boolean transaction, Duration dbTimeout) {
                return store.readLinearizable(statements, transaction, dbTimeout);
            }

            @Override
            public List<StatementResult> readLocal(List<Statement> statements, boolean transaction,
                                                   Duration dbTimeout) {
                return store.readLocal(statements, transaction, dbTimeout);
            }

            @Override
            public StoreStatus status() {
                return store.status();
            }

            @Override
            public Leadership leadership() {
                return new Leadership(store.role(), store.sinceLeaderContact());
            }
        };
    }

    @Singleton
    BackupSource backupSource(RaftStore store) {
        return new BackupSource() {
            @Override
            public void backup(Path target) {
                store.backup(target);
            }

            @Override
            public void dumpSql(Writer out) {
                store.dumpSql(out);
            }
        };
    }

    @Singleton
    @Bean(preDestroy = "close")
    WriteQueue writeQueue(DataStore store, NodeSettings s) {
        return new WriteQueue(statements -> store.submit(Command.execute(statements, false,
                System.currentTimeMillis(), ThreadLocalRandom.current().nextLong())),
                s.queueCapacity(), s.queueBatchSize(), s.queueTimeout(), Duration.ofSeconds(1));
    }

    @Singleton
    DataApi dataApi(DataStore store, WriteQueue queue) {
        return new DataApi(store, queue);
    }

    @Singleton
    StatusApi statusApi(DataStore store, NodeSettings settings, NodeInfo info) {
        return new StatusApi(store, settings, info);
    }
}

package io.raftlite.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.raftlite.core.api.ReadLevel;
import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import io.raftlite.core.queue.WriteQueue;
import io.raftlite.core.store.RaftStore;
import io.raftlite.core.store.StoreConfig;
import io.raftlite.core.store.StoreObserver;
import io.raftlite.core.store.StoreStatus;
import io.raftlite.discovery.Member;
import io.raftlite.server.config.NodeSettings;
import io.raftlite.server.http.BackupSource;
import io.raftlite.server.edge.ConnectionGuard;
import io.raftlite.server.http.DataApi;
import io.raftlite.server.http.DataStore;
import io.raftlite.server.http.WatchApi;
import io.raftlite.server.render.RenderService;
import io.raftlite.server.http.Leadership;
import io.raftlite.server.http.MembershipStore;
import io.raftlite.server.http.StepdownApi;
import io.raftlite.server.http.RemoveApi;
import io.raftlite.server.http.StatusApi;
import io.raftlite.server.metrics.NodeGauges;
import io.raftlite.server.systemd.SystemdNotifier;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/** The composition root: builds the core objects with {@code new}; Micronaut closes them on shutdown. */
@Factory
class NodeFactory {

    private static final Logger LOG = LoggerFactory.getLogger(NodeFactory.class);

    /**
     * Started eagerly ({@code @Context}) so a node that cannot open its log, or cannot join, fails at start.
     * A node with Raft state recovers from it and ignores {@code -join} and {@code -bootstrap-expect}; a new
     * node with {@code -bootstrap-expect} joins the cluster or forms it with the other listed nodes, a new
     * node with only {@code -join} joins through it, and one without either bootstraps a single-node cluster.
     */
    @Singleton
    @Bean(preDestroy = "close")
    Discovery discovery(NodeSettings s) {
        Discovery discovery = Discovery.of(s);
        discovery.warmUp(); // created just before the store (which needs it): its first read overlaps the store's start
        return discovery;
    }

    /**
     * Exit code of a node that stopped because applying a log entry failed for a reason not shared by the
     * other replicas (I/O error, full disk, corruption): 74, sysexits' EX_IOERR. The process ends at once
     * (Runtime.halt, no shutdown hooks: the entry is durable in the Raft log and replays at the next start),
     * so systemd's Restart=on-failure starts it again, instead of a live process with a stopped Raft server.
     */
    static final int EXIT_STORAGE_FAILURE = 74;

    private static void exitOnStorageFailure(long index, RuntimeException failure) {
        LOG.error("Storage failure applying log entry {}: {}; exiting with code {} (restart once the cause is gone)",
                index, failure.getMessage(), EXIT_STORAGE_FAILURE);
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_STORAGE_FAILURE);
    }

    /**
     * The store, started at once when the node has Raft state or forms a cluster alone; a node that joins,
     * waits for {@code -bootstrap-expect} peers or asks discovery starts it in {@link #clusterFormation}, after
     * the HTTP API is up. Started eagerly ({@code @Context}) so a node that cannot open its log fails at start.
     */
    @Context
    @Bean(preDestroy = "close")
    RaftStore raftStore(NodeSettings s, NodeInfo info, StoreObserver observer) {
        RaftStore store = new RaftStore(new StoreConfig(info.nodeId(), s.raftAddr().toString(),
                s.raftAdvAddr().toString(), s.dataDir(), s.clusterName(), s.snapshotThreshold(),
                s.logSegmentSizeBytes(), s.readConnections(), s.applyTimeout(), apiAddress(s))
                .withMembership(new StoreConfig.Membership(s.maxVoters(), s.nonVoter(), s.reapNodeTimeout(),
                        s.reapReadOnlyNodeTimeout(), StoreConfig.Membership.DEFAULT.balanceInterval()))
                .withElectionTimeout(s.electionTimeout())
                .withWriteLimits(s.writeLimits())
                .withFailStop(NodeFactory::exitOnStorageFailure)
                .withTls(s.raftTls()), s.reads(), RaftStore.maxCommandBytes(s.maxBodyBytes()));
        warnIfInsecure(s);
        store.observe(observer);
        return store;
    }

    /**
     * How the node gets into its cluster. A node with Raft state recovers from it and ignores {@code -join} and
     * {@code -bootstrap-expect}; a new node with {@code -bootstrap-expect} joins the cluster or forms it with
     * the other listed nodes, a new node with only {@code -join} joins through it, one with {@code -disco-mode}
     * asks the discovery store, and one without any of them bootstraps a single-node cluster. The first and
     * the last are done before the HTTP API starts; the others wait in the background (see
     * {@link ClusterFormation}).
     */
    @Context
    @Bean(preDestroy = "stopping")
    ClusterFormation clusterFormation(RaftStore store, NodeSettings s, NodeInfo info, Discovery discovery,
                                      SystemdNotifier notifier) {
        boolean hasState = store.hasState();
        notifier.status(hasState ? "recovering from its Raft log" : "starting");
        if (hasState && (!s.join().isEmpty() || discovery.enabled())) {
            LOG.info("node has Raft state: ignoring {} and recovering from its own log",
                    discovery.enabled() ? "the discovery store" : s.bootstrapExpect() > 0
                            ? "-join and -bootstrap-expect" : "-join");
        }
        List<String> targets = s.join().stream().map(Object::toString).toList();
        if (s.recover() && !hasState) {
            LOG.warn("-raft-recover ignored: {} holds no Raft state of cluster {}", s.dataDir(), s.clusterName());
        }
        if (hasState || !discovery.enabled() && targets.isEmpty()) {
            startStore(hasState && s.recover() ? () -> recover(store, s) : () -> store.start(true), store, s);
            discovery.startReporting(store, self(s, info), () -> members(store), null);
            return ClusterFormation.formed(hasState ? ClusterFormation.Way.RECOVERING : ClusterFormation.Way.ALONE);
        }
        String[] clusterId = new String[1];
        ClusterFormation.Wait wait;
        ClusterFormation.Way way;
        if (discovery.enabled()) {
            way = ClusterFormation.Way.DISCOVERY;
            wait = () -> clusterId[0] = discovery.bootstrap(store, s, self(s, info)); // starts the store when it knows how
        } else if (s.bootstrapExpect() > 0) {
            way = ClusterFormation.Way.BOOTSTRAP_EXPECT;
            wait = () -> {
                startStore(() -> store.start(false), store, s);
                LOG.info("joining the cluster through {}, or forming it once {} of them are up", targets,
                        s.bootstrapExpect());
                store.bootstrap(targets, s.bootstrapExpect(), s.bootstrapExpectTimeout());
            };
        } else {
            way = ClusterFormation.Way.JOINING;
            wait = () -> {
                startStore(() -> store.start(false), store, s);
                LOG.info("joining the cluster through {}{}", targets, s.nonVoter() ? " as a read replica" : "");
                store.join(targets, s.nonVoter(), s.joinTimeout());
            };
        }
        ClusterFormation formation = ClusterFormation.waiting(way);
        store.onProgress(text -> {
            formation.progress(text);
            notifier.status(text);
        });
        discovery.onState(text -> {
            formation.progress(text);
            notifier.status(text);
        });
        formation.start(wait, () -> discovery.startReporting(store, self(s, info), () -> members(store), clusterId[0]),
                Main::failedToForm);
        return formation;
    }

    @FunctionalInterface
    private interface StoreStart {
        void run() throws IOException;
    }

    /** Starts the store; one that cannot open its log fails the start with where and why. */
    private static void startStore(StoreStart start, RaftStore store, NodeSettings s) {
        try {
            start.run();
        } catch (IOException e) {
            store.close();
            throw new UncheckedIOException("cannot start the Raft store in " + s.dataDir() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) { // e.g. -raft-recover refused
            store.close();
            throw e;
        }
    }

    /** {@code -raft-recover}: a single-node cluster from this node's state (see RaftStore#recover); each step's wait. */
    private static final java.time.Duration RECOVER_STEP_TIMEOUT = java.time.Duration.ofSeconds(30);

    private static void recover(RaftStore store, NodeSettings s) throws IOException {
        LOG.warn("-raft-recover: recovering from lost quorum; this node becomes a single-node cluster unless a"
                + " majority of its voters answers");
        try {
            store.recover(RECOVER_STEP_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while recovering", e);
        }
    }

    /** A routable Raft port without TLS starts only with -raft-insecure (see SettingsResolver): say so in the log. */
    private static void warnIfInsecure(NodeSettings s) {
        if (s.raftTls() == null && !(s.raftAddr().isLoopback() && s.raftAdvAddr().isLoopback())) {
            LOG.warn("-raft-insecure: the Raft port {} has no TLS; whoever reaches it can read and change the"
                    + " database and the membership", s.raftAdvAddr());
        }
    }

    private static Member self(NodeSettings s, NodeInfo info) {
        return new Member(info.nodeId(), s.raftAdvAddr().toString(), apiAddress(s));
    }

    /** The members for the discovery record; API addresses are not known here (the Raft address is what joins use). */
    private static List<Member> members(RaftStore store) {
        return store.nodes().stream().map(n -> new Member(n.id(), n.address(), null)).toList();
    }

    static String apiAddress(NodeSettings s) {
        return s.apiAddress();
    }

    /** The store's and discovery's gauges on {@code /metrics}; not created with {@code -metrics=false}. */
    @Context
    @Requires(bean = MeterRegistry.class)
    NodeGauges nodeGauges(MeterRegistry registry, RaftStore store, Discovery discovery) {
        NodeGauges.bindPeerEvents(registry, store::peerEvents);
        return NodeGauges.bind(registry, store::status, discovery::status);
    }

    @Singleton
    ClusterDirectory clusterDirectory(RaftStore store, NodeSettings s, NodeInfo info) {
        return new ClusterDirectory(store, info.nodeId(), apiAddress(s));
    }

    @Singleton
    DataStore dataStore(RaftStore store, ClusterDirectory directory) {
        return new DataStore() {
            @Override
            public CompletableFuture<CommandResult> submit(Command command) {
                return store.submit(command);
            }

            @Override
            public CompletableFuture<List<StatementResult>> read(ReadLevel level, List<Statement> statements,
                                                                 boolean transaction, Duration dbTimeout) {
                return switch (level) {
                    case NONE -> CompletableFuture.completedFuture(store.readLocal(statements, transaction, dbTimeout));
                    case LINEARIZABLE -> store.readLinearizable(statements, transaction, dbTimeout);
                    default -> store.readWeak(statements, transaction, dbTimeout);
                };
            }

            @Override
            public StoreStatus status() {
                return store.status();
            }

            @Override
            public Leadership leadership() {
                return new Leadership(store.role(), store.sinceLeaderContact());
            }

            @Override
            public Optional<String> leaderApiAddress() {
                return directory.leaderApiAddress();
            }
        };
    }

    @Singleton
    RemoveApi removeApi(RaftStore store, ClusterDirectory directory) {
        return new RemoveApi(membership(store, directory));
    }

    @Singleton
    StepdownApi stepdownApi(RaftStore store, ClusterDirectory directory) {
        return new StepdownApi(membership(store, directory));
    }

    private static MembershipStore membership(RaftStore store, ClusterDirectory directory) {
        return new MembershipStore() {
            @Override
            public boolean isLeader() {
                return store.isLeader();
            }

            @Override
            public Optional<String> leaderApiAddress() {
                return directory.leaderApiAddress();
            }

            @Override
            public void remove(String nodeId, Duration timeout) throws InterruptedException {
                store.remove(nodeId, timeout);
            }

            @Override
            public void stepdown(String nodeId, Duration timeout) throws InterruptedException {
                store.stepdown(nodeId, timeout);
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
    DataApi dataApi(DataStore store, WriteQueue queue, ConnectionGuard edge) {
        return new DataApi(store, queue, edge.budget());
    }

    @Singleton
    WatchApi watchApi(DataStore store, RaftStore raft, NodeSettings s) {
        return new WatchApi(store, raft.changes(), s.maxWatchers());
    }

    /** {@code raftlite_watch_watchers} on {@code /metrics}: waiting watches, against -watch-max-watchers. */
    @Context
    @Requires(bean = MeterRegistry.class)
    io.micrometer.core.instrument.Gauge watchersGauge(MeterRegistry registry, RaftStore raft) {
        return io.micrometer.core.instrument.Gauge.builder("raftlite.watch.watchers", raft.changes(),
                        c -> c.watchers()).description("GET /db/watch requests and streams waiting on this node")
                .register(registry);
    }

    @Singleton
    StatusApi statusApi(ClusterDirectory directory, NodeSettings settings, NodeInfo info, Discovery discovery,
                        RenderService render, ClusterFormation formation) {
        return new StatusApi(directory, settings, info, () -> discovery.status().orElse(null), render::status,
                formation::describe);
    }
}

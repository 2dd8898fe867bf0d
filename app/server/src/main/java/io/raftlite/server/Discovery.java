package io.raftlite.server;

import io.raftlite.core.discovery.AddressBootstrap;
import io.raftlite.core.discovery.ClaimBootstrap;
import io.raftlite.core.discovery.DiscoveryReporter;
import io.raftlite.core.discovery.DiscoveryTracker;
import io.raftlite.core.store.RaftStore;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryClients;
import io.raftlite.discovery.Member;
import io.raftlite.server.config.DiscoverySettings;
import io.raftlite.server.config.NodeSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The node's discovery store, when {@code -disco-mode} is set: forms or joins the cluster through it when
 * the node has no Raft state, then keeps the store's record current (the leader rewrites it) for as long
 * as the node runs. A node with Raft state starts without asking the store, even when it is down.
 */
final class Discovery implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);
    /** Test hook: milliseconds a claim winner sleeps before forming, so a test can kill it there. */
    static final String PAUSE_AFTER_CLAIM = "raftlite.test.pause-after-claim-ms";

    private final DiscoverySettings settings;
    private final DiscoveryClient client;
    private final DiscoveryTracker tracker;
    private ScheduledExecutorService reporting;

    private Discovery(DiscoverySettings settings, DiscoveryClient client) {
        this.settings = settings;
        this.client = client;
        this.tracker = settings == null ? null : new DiscoveryTracker(settings.mode(), settings.config().key());
    }

    /** The discovery of these settings; {@link #enabled()} is false when {@code -disco-mode} is off. */
    static Discovery of(NodeSettings s) {
        DiscoverySettings d = s.discovery();
        if (d == null) {
            return new Discovery(null, null);
        }
        return new Discovery(d, DiscoveryClients.load(Discovery.class.getClassLoader()).create(d.mode(), d.config()));
    }

    boolean enabled() {
        return client != null;
    }

    /**
     * Reads the store once in the background and drops the answer, so that the client's classes load and its
     * connection opens while the Raft store starts, not after it: the bootstrap's first read then answers at
     * once (with etcd, about 0.6 s from the bootstrap's start to a won claim, measured alone). Harmless when
     * the store is down (the error is dropped too; the bootstrap reports its own). No-op when discovery is off.
     */
    void warmUp() {
        if (!enabled()) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                client.read();
            } catch (Exception e) { // DiscoveryException, or the client closed under it
                LOG.debug("discovery warm-up read: {}", e.toString());
            }
        }, "discovery-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** Told each change of what discovery does (e.g. "waiting for 3 addresses via dns, 1 resolved"); no-op when off. */
    void onState(Consumer<String> listener) {
        if (enabled()) {
            tracker.onState(listener);
        }
    }

    /** What the node last knew of its store, for {@code /status}; empty when discovery is off. */
    Optional<DiscoveryTracker.Status> status() {
        return enabled() ? Optional.of(tracker.status()) : Optional.empty();
    }

    /**
     * For a node with no Raft state and a store not started yet: starts the store and forms or joins the
     * cluster. With DNS the store starts empty at once ({@code start(false)}): the nodes find each other
     * through it. With a check-and-set store it starts empty too, in a thread of its own ({@link EarlyStart}),
     * while the bootstrap reads the store and claims the key: a claim's winner then restarts it as the only
     * member of its new group (an empty server closes in tens of milliseconds since
     * {@code workaround.LogWorkerClose}), and a node that waits for another's cluster is up, and joinable,
     * by the time that cluster has formed. Three nodes started together formed in a median 4.9 s instead of
     * 5.1 s this way on a loaded 2-core machine (bench/profile-notes.md, "Formation").
     *
     * @return the id of the cluster formed or joined (null for DNS, which has none)
     */
    String bootstrap(RaftStore store, NodeSettings s, Member self) throws IOException, InterruptedException {
        if (!client.checkAndSet()) {
            store.start(false);
            LOG.info("waiting for {} addresses via {} '{}', then joining or forming the cluster", s.bootstrapExpect(),
                    settings.mode(), settings.config().settings().getOrDefault("name", "raftlite"));
            new AddressBootstrap(client, store::bootstrap, tracker, Duration.ofSeconds(1))
                    .run(s.bootstrapExpect(), s.bootstrapExpectTimeout());
            return null;
        }
        LOG.info("forming or joining the cluster through {} key '{}'", settings.mode(), settings.config().key());
        ClaimBootstrap.Timing timing = new ClaimBootstrap.Timing(settings.claimTtl(),
                ClaimBootstrap.Timing.DEFAULT.retryInterval(), ClaimBootstrap.Timing.DEFAULT.maxBackoff(),
                ClaimBootstrap.Timing.DEFAULT.joinAttempt());
        EarlyStart early = new EarlyStart(store);
        return new ClaimBootstrap(client, new ClaimBootstrap.Node() {
            @Override
            public Member self() {
                return self;
            }

            @Override
            public void formAlone() throws IOException {
                early.await();
                store.formAlone(); // restart the empty server as the only member of a new group
            }

            @Override
            public void prepareToJoin() throws IOException {
                early.await();
            }

            @Override
            public boolean isLeader() {
                return store.isLeader();
            }

            @Override
            public void join(List<String> raftAddresses, Duration timeout) throws IOException, InterruptedException {
                store.join(raftAddresses, s.nonVoter(), timeout);
            }

            @Override
            public void forgetGroup() throws IOException {
                store.forgetGroup();
            }
        }, timing, tracker, !s.nonVoter(), Discovery::pauseAfterClaim).run().clusterId();
    }

    /** Starts the record upkeep (check-and-set stores only); the leader rewrites, the others read. */
    synchronized void startReporting(RaftStore store, Member self, Supplier<List<Member>> members, String clusterId) {
        if (!enabled() || !client.checkAndSet() || reporting != null) {
            return;
        }
        DiscoveryReporter reporter = new DiscoveryReporter(client, new DiscoveryReporter.Cluster() {
            @Override
            public boolean isLeader() {
                return store.isLeader();
            }

            @Override
            public Member self() {
                return self;
            }

            @Override
            public List<Member> members() {
                return members.get();
            }
        }, tracker, settings.reportInterval(), clusterId);
        reporting = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "discovery-reporter");
            t.setDaemon(true);
            return t;
        });
        reporting.scheduleWithFixedDelay(reporter, 0, 1, TimeUnit.SECONDS);
    }

    /**
     * The store's start with an empty group, in a thread of its own from the moment the bootstrap begins, so
     * that it overlaps the first reads and the claim instead of following them; then the join warm-up
     * ({@link RaftStore#warmUpJoin}). Every step that needs the server waits for it ({@link #await}).
     */
    private static final class EarlyStart {
        private final java.util.concurrent.CompletableFuture<Void> started =
                new java.util.concurrent.CompletableFuture<>();

        EarlyStart(RaftStore store) {
            Thread t = new Thread(() -> {
                try {
                    store.start(false);
                    started.complete(null);
                    store.warmUpJoin();
                } catch (IOException | RuntimeException e) {
                    started.completeExceptionally(e);
                }
            }, "raft-store-start");
            t.setDaemon(true);
            t.start();
        }

        /** Returns once the store runs; rethrows why it could not start. */
        void await() throws IOException {
            try {
                started.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
    }

    private static void pauseAfterClaim() {
        long ms = Long.getLong(PAUSE_AFTER_CLAIM, 0);
        if (ms > 0) {
            LOG.warn("test hook: pausing {} ms after winning the claim", ms);
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public synchronized void close() {
        if (reporting != null) {
            reporting.shutdownNow();
        }
        if (client != null) {
            client.close();
        }
    }
}

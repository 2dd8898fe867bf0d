package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.Statement;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.raftlite.core.store.StoreTestSupport.scalar;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Waiting and asserting helpers for in-process clusters of several stores on loopback addresses. */
final class ClusterTestSupport {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final List<Statement> READ_COUNTER = List.of(Statement.of("SELECT n FROM counter"));

    private ClusterTestSupport() {
    }

    /**
     * Starts one store per config: the first bootstraps, the others join through it. Each is added to
     * {@code opened} as soon as it exists, so that the test's clean-up closes it whatever fails later.
     */
    static List<RaftStore> bootstrapThenJoin(List<StoreConfig> configs, List<RaftStore> opened) throws Exception {
        List<RaftStore> nodes = new java.util.ArrayList<>();
        for (StoreConfig c : configs) {
            RaftStore s = new RaftStore(c, StoreTestSupport.OPENER, p -> { });
            opened.add(s);
            s.start(nodes.isEmpty());
            if (!nodes.isEmpty()) {
                s.join(List.of(configs.get(0).raftAdvertisedAddress()), false, WAIT, Duration.ofMillis(50));
            }
            nodes.add(s);
        }
        return nodes;
    }

    /**
     * Three voters on 127.0.0.1 (node ids {@code idPrefix}1-3, data under {@code dir}, cluster {@code cluster}),
     * formed by {@link #bootstrapThenJoin}; returns the ready leader once it counts three settled voters.
     */
    static RaftStore threeVoters(java.nio.file.Path dir, String idPrefix, String cluster, List<RaftStore> opened)
            throws Exception {
        List<StoreConfig> configs = new java.util.ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String addr = "127.0.0.1:" + StoreTestSupport.freePort();
            configs.add(new StoreConfig(idPrefix + i, addr, addr, dir.resolve("n" + i), cluster, 10_000,
                    1 << 20, 2, Duration.ofSeconds(10)));
        }
        List<RaftStore> nodes = bootstrapThenJoin(configs, opened);
        RaftStore[] leader = new RaftStore[1];
        await("a ready leader with two voters", () -> {
            leader[0] = nodes.stream().filter(s -> s.isLeader() && s.isReady()).findFirst().orElse(null);
            return leader[0] != null && settledVoters(leader[0]).size() == 3;
        });
        return leader[0];
    }

    /** Closes the stores, newest first, whatever each close throws. */
    static void closeAll(List<RaftStore> stores) {
        for (int i = stores.size() - 1; i >= 0; i--) {
            try {
                stores.get(i).close();
            } catch (RuntimeException e) {
                // keep closing the others
            }
        }
    }

    static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    /**
     * Retries only NO_LEADER and "store is not running" (a listener restarting its server in place, see
     * RaftStore.restartIfDemoted): both are raised before anything is sent, so a retry cannot apply a write twice.
     */
    static CommandResult execute(RaftStore store, String sql) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                CommandResult r = store.submit(Command.execute(List.of(Statement.of(sql)), false,
                        System.currentTimeMillis(), 1)).get(30, TimeUnit.SECONDS);
                assertNull(r.error());
                return r;
            } catch (ExecutionException e) {
                boolean notSent = e.getCause() instanceof StoreException se
                        && (se.reason() == StoreException.Reason.NO_LEADER || "store is not running".equals(se.getMessage()));
                if (!notSent || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** Waits until every given store knows the same leader, one of them; returns its id. */
    static String awaitAgreedLeader(Collection<RaftStore> group) throws Exception {
        String[] leader = new String[1];
        await("an agreed leader", () -> {
            Set<String> seen = group.stream().map(RaftStore::leaderId).collect(Collectors.toSet());
            boolean leads = group.stream().anyMatch(RaftStore::isLeader);
            leader[0] = seen.size() == 1 ? seen.iterator().next() : null;
            return leader[0] != null && leads;
        });
        return leader[0];
    }

    /** The voters of a settled configuration (empty while a change is half done: killing a voter then can stall it). */
    /** Starts one store; {@code bootstrap}: as a one-node cluster of its own. */
    @FunctionalInterface
    interface Starter {
        RaftStore start(StoreConfig config, boolean bootstrap) throws Exception;
    }

    /** A {@link Starter} for plain stores, kept in {@code stores} for {@link #closeAll}; a bootstrapper is awaited ready. */
    static Starter into(List<RaftStore> stores) {
        return (c, bootstrap) -> {
            RaftStore s = new RaftStore(c, StoreTestSupport.OPENER, p -> { });
            stores.add(s);
            s.start(bootstrap);
            if (bootstrap) {
                assertTrue(s.awaitReady(WAIT));
            }
            return s;
        };
    }

    /**
     * Starts the first store as a one-node cluster, joins every other one to it and waits until all of them are
     * settled voters; returns the first.
     */
    static RaftStore formVoters(List<StoreConfig> configs, Starter starter) throws Exception {
        RaftStore first = starter.start(configs.get(0), true);
        for (StoreConfig c : configs.subList(1, configs.size())) {
            starter.start(c, false).join(List.of(configs.get(0).raftAdvertisedAddress()), false, WAIT, Duration.ofMillis(50));
        }
        Set<String> ids = configs.stream().map(StoreConfig::nodeId).collect(Collectors.toSet());
        await(ids.size() + " voters", () -> settledVoters(first).equals(ids));
        return first;
    }

    static Set<String> settledVoters(RaftStore s) {
        return s.configurationStable() ? voters(s) : Set.of();
    }

    static Set<String> voters(RaftStore s) {
        return s.nodes().stream().filter(StoreNode::voter).map(StoreNode::id).collect(Collectors.toSet());
    }

    static void awaitCounter(RaftStore s, long expected) throws Exception {
        await("counter = " + expected + " on " + s.status().nodeId(), () -> {
            try {
                return Long.valueOf(expected).equals(scalar(s.readLocal(READ_COUNTER, false, null)));
            } catch (RuntimeException e) {
                return false; // the table is not there yet
            }
        });
    }

    static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static Set<String> listeners(RaftStore s) {
        return s.nodes().stream().filter(n -> !n.voter()).map(StoreNode::id).collect(Collectors.toSet());
    }
}

package io.raftlite.core.store;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.raftlite.core.store.ClusterTestSupport.await;
import static io.raftlite.core.store.ClusterTestSupport.awaitCounter;
import static io.raftlite.core.store.ClusterTest.dump;
import static io.raftlite.core.store.ClusterTestSupport.execute;
import static io.raftlite.core.store.RaftStoreTest.logStart;
import static io.raftlite.core.store.StoreTestSupport.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A follower that was down while the leader snapshotted and purged its log catches up by installing the
 * leader's snapshot (the log is purged up to the snapshot whatever the followers have), including the
 * RATIS-2487 case where its log ends exactly where the leader's log starts.
 */
@Timeout(300)
class SnapshotCatchUpTest {

    private static final long THRESHOLD = 10;

    @TempDir
    Path dir;

    private final List<RaftStore> stores = new ArrayList<>();
    private final LogCapture logs = new LogCapture(SqliteStateMachine.class);

    @AfterEach
    void closeAll() {
        logs.close();
        Collections.reverse(stores); // restarted nodes first
        for (RaftStore s : stores) {
            try {
                s.close();
            } catch (RuntimeException e) {
                System.err.println("closing a store: " + e); // keep closing the others
            }
        }
    }

    @Test
    void aFollowerDownPastSeveralSnapshotsInstallsTheLeadersSnapshot() throws Exception {
        List<StoreConfig> configs = configs(4096);
        List<RaftStore> nodes = cluster(configs);
        RaftStore leader = leaderOf(nodes);
        int f = nodes.indexOf(nodes.stream().filter(s -> s != leader).findFirst().orElseThrow());
        increment(leader, 5);
        awaitCounter(nodes.get(f), 5);
        long followerEnd = nodes.get(f).status().commitIndex();
        nodes.get(f).close();

        increment(leader, 10 * (int) THRESHOLD); // several snapshots, and purges, while it is down
        StoreConfig leaderConfig = configs.get(nodes.indexOf(leader));
        await("the leader's log purged past the follower's", () -> logStart(leaderConfig) > followerEnd + 1);

        RaftStore back = restart(configs.get(f));
        awaitCounter(back, 5 + 10 * THRESHOLD);
        // logged just after the restored database becomes readable: wait for the line, do not race it
        String installed = configs.get(f).nodeId() + ": installed the leader's snapshot";
        await("the install logged", () -> logs.any(installed));
        assertEquals(dump(leader), dump(back));
    }

    /**
     * The RATIS-2487 trigger: both followers stop with the leader's whole log, the old leader loses its
     * majority, and the next leader's first entry (a new term) opens a new segment right after the stopped
     * follower's log end E. Writes then snapshot and purge every closed segment, so the leader's log starts at
     * exactly E + 1 and the entry at E is neither in its log nor its snapshot. Ratis 3.2.2 sent that follower
     * neither entries nor a snapshot (raftlite had a workaround); 3.3.0 sends the snapshot itself.
     */
    @Test
    void aFollowerWhoseLogEndsWhereTheLeadersLogStartsGetsTheSnapshot() throws Exception {
        List<StoreConfig> configs = configs(1 << 20); // no segment fills up: only a term change closes one
        List<RaftStore> nodes = cluster(configs);
        RaftStore oldLeader = leaderOf(nodes);
        // the leader's log ends with the last write (no log-metadata entries, RaftPropertiesFactory); once every
        // node knows it committed, every log ends there
        long end = increment(oldLeader, 5);
        List<Integer> followers = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            RaftStore s = nodes.get(i);
            await("node " + i + " has the whole log", () -> s.status().commitIndex() == end);
            if (s != oldLeader) {
                followers.add(i);
            }
        }
        int stuck = followers.get(0);
        int other = followers.get(1);
        nodes.get(stuck).close();
        nodes.get(other).close(); // a follower: no handover, so no new term before the stuck one's log end
        await("the old leader steps down without a majority", () -> !oldLeader.isLeader());
        RaftStore otherBack = restart(configs.get(other));
        RaftStore leader = leaderOf(List.of(oldLeader, otherBack));
        increment(leader, 6 * (int) THRESHOLD);
        StoreConfig leaderConfig = configs.get(leader == oldLeader ? nodes.indexOf(oldLeader) : other);
        await("the leader's log starts right after the stopped follower's",
                () -> logStart(leaderConfig) == end + 1);

        RaftStore back = restart(configs.get(stuck));
        awaitCounter(back, 5 + 6 * THRESHOLD);
        // logged just after the restored database becomes readable: wait for the line, do not race it
        String installed = configs.get(stuck).nodeId() + ": installed the leader's snapshot";
        await("the install logged", () -> logs.any(installed));
        assertEquals(dump(leader), dump(back));
    }

    // ---- helpers

    private List<StoreConfig> configs(long segmentBytes) throws Exception {
        List<StoreConfig> configs = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String addr = "127.0.0.1:" + freePort();
            configs.add(new StoreConfig("catchup" + i, addr, addr, dir.resolve("n" + i), "catchup-test", THRESHOLD,
                    segmentBytes, 2, Duration.ofSeconds(10)));
        }
        return configs;
    }

    /** The first config bootstraps; the others join through it. Creates the counter table. */
    private List<RaftStore> cluster(List<StoreConfig> configs) throws Exception {
        List<RaftStore> nodes = ClusterTestSupport.bootstrapThenJoin(configs, stores);
        RaftStore leader = leaderOf(nodes);
        execute(leader, "CREATE TABLE counter (n INTEGER NOT NULL)");
        execute(leader, "INSERT INTO counter VALUES (0)");
        return nodes;
    }

    private RaftStore restart(StoreConfig c) throws Exception {
        RaftStore s = new RaftStore(c, StoreTestSupport.OPENER, p -> { });
        stores.add(s);
        assertTrue(s.hasState());
        s.start();
        return s;
    }

    private static RaftStore leaderOf(List<RaftStore> group) throws Exception {
        RaftStore[] leader = new RaftStore[1];
        await("a ready leader", () -> {
            leader[0] = group.stream().filter(s -> s.isLeader() && s.isReady()).findFirst().orElse(null);
            return leader[0] != null;
        });
        return leader[0];
    }

    /** Writes on the leader; returns the log index of the last write. */
    private static long increment(RaftStore leader, int times) throws Exception {
        long index = -1;
        for (int i = 0; i < times; i++) {
            index = execute(leader, "UPDATE counter SET n = n + 1").raftIndex();
        }
        return index;
    }

    /** Collects what the given classes log, from any thread, until closed. */
    private static final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
        private final List<String> messages = new CopyOnWriteArrayList<>();
        private final List<Logger> loggers = new ArrayList<>();

        LogCapture(Class<?>... classes) {
            start();
            for (Class<?> c : classes) {
                Logger logger = (Logger) LoggerFactory.getLogger(c);
                logger.addAppender(this);
                loggers.add(logger);
            }
        }

        @Override
        protected void append(ILoggingEvent event) {
            messages.add(event.getFormattedMessage());
        }

        boolean any(String fragment) {
            return messages.stream().anyMatch(m -> m.contains(fragment));
        }

        @Override
        public void close() {
            loggers.forEach(l -> l.detachAppender(this));
            stop();
        }

        @Override
        public String toString() {
            return String.join("\n", messages);
        }
    }
}

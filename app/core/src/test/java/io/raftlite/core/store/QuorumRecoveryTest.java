package io.raftlite.core.store;

import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.raftlite.core.store.ClusterTestSupport.awaitCounter;
import static io.raftlite.core.store.ClusterTestSupport.execute;
import static io.raftlite.core.store.ClusterTestSupport.freePort;
import static io.raftlite.core.store.ClusterTestSupport.voters;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link RaftStore#recover} keeps the log entries the survivor holds but does not know to be committed. Ratis
 * persists a follower's commit index only through the leader's metadata entries, which normally reach it with
 * the next append (the end-to-end test, RecoverIT, never caught one missing); with them turned off here, a
 * restarted follower knows nothing to be committed, so every write is such an entry. On 127.0.27.31-33.
 */
class QuorumRecoveryTest {

    /** No commit index in the log, and no snapshot at a graceful stop (which would record one, as a kill -9 does not). */
    private static final Consumer<RaftProperties> NO_COMMIT_RECORDS = p -> {
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);
    };

    @TempDir
    Path dir;

    @Test
    void entriesNotKnownToBeCommittedSurviveTheRecovery() throws Exception {
        List<RaftStore> stores = new ArrayList<>(); // closed in the end, whatever fails
        try {
            List<StoreConfig> configs = List.of(config(1), config(2), config(3));
            RaftStore first = ClusterTestSupport.formVoters(configs, (c, bootstrap) -> {
                RaftStore s = new RaftStore(c, StoreTestSupport.OPENER, NO_COMMIT_RECORDS);
                stores.add(s);
                s.start(bootstrap);
                return s;
            });
            execute(first, "CREATE TABLE counter (n INTEGER)");
            execute(first, "INSERT INTO counter VALUES (0)");
            for (int i = 0; i < 10; i++) {
                execute(first, "UPDATE counter SET n = n + 1");
            }
            RaftStore survivor = stores.get(2);
            awaitCounter(survivor, 10);
            ClusterTestSupport.closeAll(stores);
            stores.clear();

            RaftStore recovered = new RaftStore(configs.get(2), StoreTestSupport.OPENER, NO_COMMIT_RECORDS);
            stores.add(recovered);
            recovered.recover(Duration.ofSeconds(20));
            awaitCounter(recovered, 10);
            assertEquals(Set.of("n3"), voters(recovered));
            execute(recovered, "UPDATE counter SET n = n + 1");
            awaitCounter(recovered, 11);
            try (Stream<Path> raft = Files.list(configs.get(2).dataDir().resolve("raft"))) {
                assertEquals(1, raft.filter(p -> p.getFileName().toString().matches(".*\\.recovered-\\d{8}T\\d{6}Z")).count(),
                        "the old state kept aside");
            }
        } finally {
            ClusterTestSupport.closeAll(stores);
        }
    }

    private StoreConfig config(int n) throws Exception {
        String host = "127.0.27.3" + n;
        String addr = host + ":" + freePort(host);
        return new StoreConfig("n" + n, addr, addr, dir.resolve("n" + n), "recover-test", 1000, 1 << 20, 2,
                Duration.ofSeconds(10), "http://" + host + ":4001");
    }
}

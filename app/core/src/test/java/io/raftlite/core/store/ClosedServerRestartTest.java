package io.raftlite.core.store;

import io.raftlite.core.command.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.raftlite.core.store.ClusterTestSupport.await;
import static io.raftlite.core.store.StoreTestSupport.execute;
import static io.raftlite.core.store.StoreTestSupport.freePort;
import static io.raftlite.core.store.StoreTestSupport.scalar;
import static io.raftlite.core.store.StoreTestSupport.startStore;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A Raft server that Ratis closes while the process runs (its log worker closes the division when a write queued
 * before a snapshot install fails its check, see {@link ClosedServerRestart}) is restarted from disk by the next
 * upkeep round: the node takes writes again and keeps what it had.
 */
@Timeout(60)
class ClosedServerRestartTest {

    private static final List<Statement> ROWS = List.of(Statement.of("SELECT count(*) FROM t"));

    @TempDir
    Path dir;

    @Test
    void aServerRatisClosedIsRestartedAndKeepsItsData() throws Exception {
        String addr = "127.0.28.1:" + freePort();
        StoreConfig config = new StoreConfig("n1", addr, addr, dir, "closed-restart", 1000, 1 << 20, 2,
                Duration.ofSeconds(10)).withMembership(new StoreConfig.Membership(5, false, Duration.ZERO,
                Duration.ZERO, Duration.ofMillis(200)));
        try (RaftStore store = startStore(config, p -> { })) {
            execute(store, "CREATE TABLE t(x INTEGER)");
            execute(store, "INSERT INTO t(x) VALUES(1)");

            store.division().close(); // what SegmentedRaftLogWorker does when a write fails

            await("a write accepted again after the restart", () -> {
                try {
                    execute(store, "INSERT INTO t(x) VALUES(2)");
                    return true;
                } catch (Exception | AssertionError e) {
                    return false;
                }
            });
            assertEquals(2L, scalar(store.readLocal(ROWS, false, null)), "the row from before the close is kept");
        }
    }
}

package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.QueryResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import org.apache.ratis.conf.RaftProperties;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Builds single-node stores on loopback for tests. */
final class StoreTestSupport {

    /** The database the tests run against: the real {@code io.raftlite.core.db.Database}. */
    static final StoreDatabase.Opener OPENER = StoreDatabase.REAL;

    private StoreTestSupport() {
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    static StoreConfig config(Path dataDir, int port, long snapshotThreshold, long segmentBytes) {
        String addr = "127.0.0.1:" + port;
        return new StoreConfig("node1", addr, addr, dataDir, "test-cluster", snapshotThreshold, segmentBytes, 2,
                Duration.ofSeconds(10));
    }

    static RaftStore startStore(StoreConfig config, Consumer<RaftProperties> tuning) throws Exception {
        RaftStore store = new RaftStore(config, OPENER, tuning);
        store.start();
        assertTrue(store.awaitReady(Duration.ofSeconds(30)), "store became ready");
        return store;
    }

    static CommandResult execute(RaftStore store, String sql, Object... params) throws Exception {
        CommandResult r = store.submit(Command.execute(List.of(Statement.of(sql, params)), false,
                System.currentTimeMillis(), 1)).get(30, TimeUnit.SECONDS);
        assertNull(r.error());
        return r;
    }

    /** The single value of a one-row, one-column query result. */
    static Object scalar(List<StatementResult> results) {
        QueryResult q = (QueryResult) results.get(0);
        return q.rows().get(0).get(0);
    }
}

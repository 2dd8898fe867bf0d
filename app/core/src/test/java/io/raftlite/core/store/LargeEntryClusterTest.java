package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandCodec;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.raftlite.core.store.ClusterTestSupport.await;
import static io.raftlite.core.store.ClusterTestSupport.awaitAgreedLeader;
import static io.raftlite.core.store.ClusterTestSupport.execute;
import static io.raftlite.core.store.ClusterTestSupport.freePort;
import static io.raftlite.core.store.StoreTestSupport.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Entries above Ratis' default 4 MB limit, on 3 in-process nodes on 127.0.4.201-203: one of exactly the largest
 * command size, sent through a follower, is applied on every node; one byte more is refused as too large.
 */
@Timeout(300)
class LargeEntryClusterTest extends ClusterTestBase {

    /** Above Ratis' 4 MB default, so only the derived limits let it through. */
    private static final long MAX_COMMAND = 6L << 20;
    /** Rows, not their length: a read connection refuses values over 1 MiB (ReadLimits), count(*) reads none. */
    private static final List<Statement> ROWS = List.of(Statement.of("SELECT count(*) FROM big"));


    @Test
    void theLargestCommandThroughAFollowerIsAppliedEverywhereAndOneByteMoreIsRefused() throws Exception {
        List<StoreConfig> configs = List.of(config(1), config(2), config(3));
        RaftStore n1 = ClusterTestSupport.formVoters(configs, this::start);
        String leader = awaitAgreedLeader(stores);
        RaftStore follower = stores.stream().filter(s -> !s.status().nodeId().equals(leader)).findFirst().orElseThrow();
        execute(follower, "CREATE TABLE big (v TEXT)");

        Command largest = insertOfEncodedSize(MAX_COMMAND);
        CommandResult r = follower.submit(largest).get(60, TimeUnit.SECONDS);
        assertNull(r.error());
        assertEquals(1, assertInstanceOf(io.raftlite.core.command.ExecuteResult.class, r.results().get(0)).rowsAffected(),
                "the insert itself succeeded: " + r.results());
        for (RaftStore s : stores) {
            await("the large row on " + s.status().nodeId(), () -> Long.valueOf(1).equals(scalar(s.readLocal(ROWS, false, null))));
        }

        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> follower.submit(insertOfEncodedSize(MAX_COMMAND + 1)).get(60, TimeUnit.SECONDS));
        StoreException e = assertInstanceOf(StoreException.class, refused.getCause());
        assertEquals(StoreException.Reason.TOO_LARGE, e.reason());
        execute(follower, "INSERT INTO big VALUES ('small')"); // the cluster goes on
        for (RaftStore s : stores) {
            await("the small row on " + s.status().nodeId(), () -> Long.valueOf(2).equals(scalar(s.readLocal(ROWS, false, null))));
        }
    }

    /** An INSERT of one ASCII text whose command encodes to exactly {@code size} bytes. */
    private static Command insertOfEncodedSize(long size) {
        Command probe = insert(0);
        return insert((int) (size - CommandCodec.encode(probe).length));
    }

    private static Command insert(int textLength) {
        return Command.execute(List.of(Statement.of("INSERT INTO big VALUES (?)", "x".repeat(textLength))), false,
                System.currentTimeMillis(), 1);
    }

    private RaftStore start(StoreConfig c, boolean bootstrap) throws Exception {
        RaftStore s = new RaftStore(c, MAX_COMMAND, StoreTestSupport.OPENER, p -> { });
        stores.add(s);
        s.start(bootstrap);
        return s;
    }

    private StoreConfig config(int n) throws IOException {
        String host = "127.0.4.20" + n;
        String addr = host + ":" + freePort(host);
        return new StoreConfig("n" + n, addr, addr, dir.resolve("n" + n), "large-entry-test", 10_000, 1 << 20, 2,
                Duration.ofSeconds(20), "http://" + host + ":4001")
                // one value as large as the command: the default 1 MiB value limit would refuse it at apply
                .withWriteLimits(new io.raftlite.core.db.WriteLimits(io.raftlite.core.db.WriteLimits.DEFAULT_MAX_STATEMENT_STEPS,
                        (int) MAX_COMMAND, io.raftlite.core.db.WriteLimits.DEFAULT_MAX_DATABASE_BYTES));
    }
}

package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.ErrorResult;
import io.raftlite.core.command.ExecuteResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import io.raftlite.core.db.WriteLimits;
import io.raftlite.core.sql.SqlPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.raftlite.core.store.ClusterTestSupport.await;
import static io.raftlite.core.store.ClusterTestSupport.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12's poison entries on a 3-node in-process cluster (127.0.1.1-3): a refused statement never reaches
 * the log, a statement over a budget is an error on every replica, a strong read cannot write, and the three
 * databases stay identical and writable.
 */
@Timeout(300)
class PoisonClusterTest extends ClusterTestBase {

    private static final WriteLimits SMALL = new WriteLimits(2_000_000, 64 * 1024, 1 << 20);


    @Test
    void poisonEntriesLeaveEveryReplicaIdenticalAndWritable() throws Exception {
        List<StoreConfig> configs = List.of(config(1), config(2), config(3));
        RaftStore n1 = ClusterTestSupport.formVoters(configs, ClusterTestSupport.into(stores));
        ClusterTestSupport.execute(n1, "CREATE TABLE t (id INTEGER PRIMARY KEY, x)");

        ExecutionException refused = assertThrows(ExecutionException.class, () -> submit(n1,
                Command.execute(List.of(Statement.of("PRAGMA writable_schema=ON")), false, 1, 1)));
        assertTrue(String.valueOf(refused.getCause().getMessage()).contains(SqlPolicy.DISALLOWED_PRAGMA),
                String.valueOf(refused.getCause()));

        List<StatementResult> r = submit(n1, Command.execute(List.of(
                Statement.of("INSERT INTO t(x) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n FROM c"),
                Statement.of("INSERT INTO t(x) SELECT randomblob(100000000)"),
                Statement.of("INSERT INTO t(x) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 100)"
                        + " SELECT zeroblob(60000) FROM c"),
                Statement.of("INSERT INTO t(x) VALUES(random())")), false, 1_700_000_000_000L, 7));
        assertTrue(error(r.get(0)).contains("budget"), error(r.get(0)));
        assertEquals("string or blob too big", error(r.get(1)));
        assertTrue(error(r.get(2)).startsWith("database is full"), error(r.get(2)));
        assertInstanceOf(ExecuteResult.class, r.get(3));

        List<StatementResult> strong = submit(n1, Command.query(List.of(Statement.of("INSERT INTO t(x) VALUES('x')"),
                Statement.of("DROP TABLE t")), false, 1, 1));
        assertInstanceOf(ErrorResult.class, strong.get(0));
        assertInstanceOf(ErrorResult.class, strong.get(1));

        ClusterTestSupport.execute(n1, "INSERT INTO t(x) VALUES('after')");
        String leaderDump = ClusterTest.dump(n1);
        assertTrue(leaderDump.contains("'after'") && !leaderDump.contains("'x'"), leaderDump);
        for (RaftStore s : stores) {
            await("an identical dump on " + s.status().nodeId(), () -> ClusterTest.dump(s).equals(leaderDump));
        }
    }

    private static List<StatementResult> submit(RaftStore store, Command command) throws Exception {
        CommandResult r = store.submit(command).get(30, TimeUnit.SECONDS);
        return r.results();
    }

    private static String error(StatementResult r) {
        return assertInstanceOf(ErrorResult.class, r, () -> "got " + r).error();
    }

    private StoreConfig config(int n) throws IOException {
        String host = "127.0.1." + n;
        String addr = host + ":" + freePort(host);
        return new StoreConfig("n" + n, addr, addr, dir.resolve("n" + n), "poison-test", 10_000, 1 << 20, 2,
                Duration.ofSeconds(10), "http://" + host + ":4001").withWriteLimits(SMALL);
    }
}

package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.QueryResult;
import io.raftlite.core.command.Statement;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.ClientInvocationId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RetryCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.raftlite.core.store.ClusterTestSupport.await;
import static io.raftlite.core.store.ClusterTestSupport.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ratis keeps every entry's reply in its retry cache for a minute on every node. raftlite's replies carry the
 * results (up to 8 MiB each), so a stream of large results ran the shipped heap out. On 127.0.1.11-13: the
 * leader drops each reply once this node's next request says it was received, and followers keep empty ones.
 */
@Timeout(300)
class RetryCacheTest extends ClusterTestBase {

    private static final int READS = 20;


    @Test
    void repliesWithResultsAreNotKeptForAMinute() throws Exception {
        List<StoreConfig> configs = List.of(config(11), config(12), config(13));
        RaftStore leader = ClusterTestSupport.formVoters(configs, ClusterTestSupport.into(stores));
        ClusterTestSupport.execute(leader, "CREATE TABLE t (b)");
        ClusterTestSupport.execute(leader, "INSERT INTO t VALUES (zeroblob(200000))");
        long first = leader.division().getInfo().getLastAppliedIndex() + 1;
        for (int i = 0; i < READS; i++) { // strong reads: 200 KB of results each, through the log
            QueryResult r = assertInstanceOf(QueryResult.class, leader.submit(Command.query(
                    List.of(Statement.of("SELECT b FROM t")), false, 1, 1)).get(30, TimeUnit.SECONDS).results().get(0));
            assertEquals(200_000, ((byte[]) r.rows().get(0).get(0)).length);
        }
        ClusterTestSupport.execute(leader, "INSERT INTO t VALUES (1)"); // hands the last read's call id on
        long last = leader.division().getInfo().getLastAppliedIndex() - 1;

        RaftServer.Division l = leader.division();
        int kept = 0;
        for (long index = first; index <= last; index++) {
            ClientInvocationId id = invocation(l, index);
            if (id != null && l.getRetryCache().getIfPresent(id) != null) {
                kept++;
            }
        }
        assertEquals(0, kept, "replies the leader still keeps for reads " + first + ".." + last);

        for (RaftStore s : stores) {
            if (s == leader) {
                continue;
            }
            RaftServer.Division f = s.division();
            await("the follower applied every read", () -> f.getInfo().getLastAppliedIndex() >= last);
            int withResults = 0;
            for (long index = first; index <= last; index++) {
                ClientInvocationId id = invocation(f, index);
                RetryCache.Entry e = id == null ? null : f.getRetryCache().getIfPresent(id);
                if (e != null) {
                    RaftClientReply reply = e.getReplyFuture().get(10, TimeUnit.SECONDS);
                    if (!reply.getMessage().getContent().isEmpty()) {
                        withResults++;
                    }
                }
            }
            assertEquals(0, withResults, "replies with results a follower keeps, of " + (last - first + 1));
        }
    }

    private static ClientInvocationId invocation(RaftServer.Division d, long index) throws Exception {
        LogEntryProto entry = d.getRaftLog().get(index);
        assertTrue(entry != null, "log entry " + index);
        return entry.hasStateMachineLogEntry() ? ClientInvocationId.valueOf(entry.getStateMachineLogEntry()) : null;
    }

    private StoreConfig config(int n) throws IOException {
        String host = "127.0.1." + n;
        String addr = host + ":" + freePort(host);
        return new StoreConfig("n" + n, addr, addr, dir.resolve("n" + n), "retry-cache-test", 10_000, 1 << 20, 2,
                Duration.ofSeconds(10), "http://" + host + ":4001");
    }
}

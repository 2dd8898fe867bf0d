package io.raftlite.core.store;

import io.raftlite.core.command.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.raftlite.core.store.ClusterTestSupport.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A leader cut off from every follower answers no linearizable read: the read waits for a heartbeat round that no
 * follower answers and fails once the leader steps down (503 at the API). Stock Ratis 3.3.0 answered it at once
 * from its stale state ({@code io.raftlite.core.workaround.ReadIndexRoundPerRead}; the fault suite's long run saw
 * such a read return a value older than a write the new leader had acknowledged 590 ms before). This runs the
 * workaround through the store, as a node runs it.
 */
@Timeout(300)
class IsolatedLeaderReadTest extends ClusterTestBase {

    @Test
    void aLeaderThatReachesNoFollowerAnswersNoLinearizableRead() throws Exception {
        RaftStore leader = ClusterTestSupport.threeVoters(dir, "il", "isolated-read", stores);
        execute(leader, "CREATE TABLE t (v INTEGER)");
        execute(leader, "INSERT INTO t VALUES (1)");
        List<Statement> read = List.of(Statement.of("SELECT v FROM t"));
        // a read whose heartbeat round confirms the current commit index
        assertEquals(1, leader.readLinearizable(read, false, null).get(30, TimeUnit.SECONDS).size());

        // both followers stop at once: the leader now reaches no follower, so no round can succeed; it steps
        // down only after twice the election timeout, and the read below comes well before that
        List<java.util.concurrent.CompletableFuture<Void>> closing = new ArrayList<>();
        for (RaftStore s : List.copyOf(stores)) {
            if (s != leader) {
                closing.add(java.util.concurrent.CompletableFuture.runAsync(s::close));
            }
        }
        closing.forEach(java.util.concurrent.CompletableFuture::join);
        assertTrue(leader.isLeader(), "still leader before the read");
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> leader.readLinearizable(read, false, null).get(30, TimeUnit.SECONDS),
                "a leader without a follower answered a linearizable read");
        assertTrue(refused.getCause() instanceof StoreException, String.valueOf(refused.getCause()));
    }
}

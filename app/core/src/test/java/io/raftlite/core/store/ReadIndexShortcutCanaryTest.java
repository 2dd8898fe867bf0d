package io.raftlite.core.store;

import io.raftlite.core.command.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.raftlite.core.store.ClusterTestSupport.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Canary for a Ratis 3.3.0 bug found by the fault suite's long run (issue 14; trial 43 of the 300-trial run: a
 * `linearizable` read answered in 2 ms by a leader cut off from both followers returned a value older than a
 * write the new leader had acknowledged 590 ms before). {@code LeaderStateImpl.getReadIndex} skips the heartbeat
 * round when a previous round already confirmed an index at least as high
 * ({@code ReadIndexHeartbeats.addAppendEntriesListener} returns null when {@code commitIndex <= ackedCommitIndex}).
 * A leader that can no longer reach anyone cannot commit, so its commit index stays at a value a past round
 * confirmed, and it answers every ReadIndex read at once from its own state until it steps down (up to twice the
 * election timeout). Raft's ReadIndex needs a round that starts after the read arrived.
 *
 * <p>This test shows the bug on the Ratis on the class path: it fails once upstream confirms leadership for every
 * read. No workaround exists yet (see the closing note of issue 14); when one does, it moves to
 * {@code io.raftlite.core.workaround} with this canary.
 */
@Timeout(300)
class ReadIndexShortcutCanaryTest extends ClusterTestBase {

    @Test
    void aLeaderThatReachesNoFollowerStillAnswersALinearizableReadAtOnce() throws Exception {
        RaftStore leader = ClusterTestSupport.threeVoters(dir, "rc", "read-canary", stores);
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
        long start = System.nanoTime();
        leader.readLinearizable(read, false, null).get(30, TimeUnit.SECONDS); // Ratis answers at once
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs < 1_000, "answered without a heartbeat round, in " + tookMs + " ms");
    }
}

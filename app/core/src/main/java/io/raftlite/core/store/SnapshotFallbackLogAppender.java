package io.raftlite.core.store;

import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WORKAROUND for RATIS-2487 (Ratis 3.2.2; delete this class and {@link SnapshotFallbackRpcType} when upgrading
 * to a Ratis that has the fix, i.e. whose {@code LogAppender.shouldInstallSnapshot} checks {@code getPrevious}).
 *
 * <p>The bug: a follower whose next index equals the leader's log start index, where the entry before it is
 * neither in the leader's log nor its latest snapshot's last entry, gets neither entries (an appendEntries
 * needs that previous entry: "Previous TermIndex not found", forever) nor a snapshot (3.2.2 only sends one when
 * the next index is below the start index). It happens when the log was purged up to exactly where the
 * follower's log ends, e.g. a node stopped at a term change, which is also a segment boundary.
 *
 * <p>The fix, as upstream: also send the snapshot in that case, unless the follower's next index is right
 * after the snapshot it installed from this leader (then Ratis sends entries without the previous one, as it
 * does in 3.2.2; upstream learnt in RATIS-2500 that forcing a snapshot there loops). One more exception of
 * ours: not to a follower known to have committed the snapshot's index already. It would answer
 * ALREADY_INSTALLED, which 3.2.2 handles without moving the next index (the reply carries a chunk number,
 * not an index), so the same snapshot would be sent forever. Such a follower is ahead of what the leader
 * thinks (its next index was lowered by failed requests); 3.2.2 recovers from that by restarting the
 * appender, which probes from the end of the log again.
 */
class SnapshotFallbackLogAppender extends GrpcLogAppender {

    private static final Logger FALLBACK_LOG = LoggerFactory.getLogger(SnapshotFallbackLogAppender.class);

    SnapshotFallbackLogAppender(RaftServer.Division server, LeaderState leaderState, FollowerInfo follower) {
        super(server, leaderState, follower);
    }

    @Override
    public SnapshotInfo shouldInstallSnapshot() {
        SnapshotInfo stock = super.shouldInstallSnapshot();
        if (stock != null) {
            return stock;
        }
        SnapshotInfo snapshot = getServer().getStateMachine().getLatestSnapshot();
        if (snapshot == null) {
            return null;
        }
        FollowerInfo f = getFollower();
        RaftLog log = getRaftLog();
        long next = f.getNextIndex();
        if (!sendsSnapshot(next, f.getSnapshotIndex(), f.getCommitIndex(), log.getStartIndex(), log.getNextIndex(),
                previousTermIndex(log, snapshot, next), snapshot.getIndex())) {
            return null;
        }
        FALLBACK_LOG.info("{}: the follower needs index {}, the leader's log starts there and neither the log nor "
                + "the snapshot ({}) holds index {}; sending the snapshot (RATIS-2487 workaround)",
                this, next, snapshot.getTermIndex(), next - 1);
        return snapshot;
    }

    /**
     * The rule: the follower's next index is the leader's log start, the entry before it is unknown
     * ({@code previous == null}), it is not right after the snapshot the follower installed from this leader,
     * and the follower has not committed the snapshot's index yet (as far as the leader knows).
     */
    static boolean sendsSnapshot(long followerNext, long followerSnapshotIndex, long followerCommit,
                                 long leaderStart, long leaderNext, TermIndex previous, long snapshotIndex) {
        return followerNext < leaderNext
                && followerNext == leaderStart
                && followerNext > RaftLog.LEAST_VALID_LOG_INDEX
                && followerNext != followerSnapshotIndex + 1
                && previous == null
                && followerCommit < snapshotIndex;
    }

    /** What 3.2.2's private {@code LogAppenderBase.getPrevious} returns: the entry before {@code next}, or null. */
    private static TermIndex previousTermIndex(RaftLog log, SnapshotInfo snapshot, long next) {
        if (next == RaftLog.LEAST_VALID_LOG_INDEX) {
            return null;
        }
        TermIndex inLog = log.getTermIndex(next - 1);
        if (inLog != null) {
            return inLog;
        }
        TermIndex snap = snapshot.getTermIndex();
        return snap.getIndex() == next - 1 ? snap : null;
    }
}

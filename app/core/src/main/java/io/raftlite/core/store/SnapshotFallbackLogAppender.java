package io.raftlite.core.store;

import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.raftlog.RaftLogIOException;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WORKAROUND for RATIS-2487 (Ratis 3.2.2; delete this class and {@link SnapshotFallbackRpcType} when upgrading
 * to a Ratis that has the fix, i.e. whose {@code LogAppender.shouldInstallSnapshot} checks {@code getPrevious}).
 *
 * <p>The bug: a follower whose next index equals the leader's log start index, where the entry before it is
 * neither in the leader's log nor its latest snapshot's last entry, gets neither entries (building the
 * appendEntries throws "Previous TermIndex not found", and 3.2.2 then stops that follower's appender for good:
 * "is not running: skipping restart") nor a snapshot (3.2.2 only sends one when the next index is below the
 * start index). It happens when the log was purged up to exactly where the follower's log ends, e.g. a node
 * stopped at a term change, which is also a segment boundary.
 *
 * <p>The fix, as upstream: also send the snapshot in that case, unless the follower's next index is right
 * after the snapshot it installed from this leader (then Ratis sends entries without the previous one, as it
 * does in 3.2.2; upstream learnt in RATIS-2500 that forcing a snapshot there loops). Two additions of ours:
 * <ul>
 *   <li>A follower the leader knows to have committed the entry at its next index is ahead of what the leader
 *       thinks (replies to requests it could not check lowered its next index). It gets no snapshot (it would
 *       answer ALREADY_INSTALLED, which 3.2.2 handles without moving the next index, so the same snapshot
 *       would go out forever); its next index moves to after its commit instead.</li>
 *   <li>The next index can change (an INCONSISTENCY reply, a purge) between {@link #shouldInstallSnapshot}
 *       and building the request. Then the request is skipped instead of stopping the appender; the next round
 *       sends the snapshot.</li>
 * </ul>
 */
class SnapshotFallbackLogAppender extends GrpcLogAppender {

    private static final Logger FALLBACK_LOG = LoggerFactory.getLogger(SnapshotFallbackLogAppender.class);
    private static final String PREVIOUS_NOT_FOUND = "Previous TermIndex not found";

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
                previousTermIndex(log, snapshot, next))) {
            return null;
        }
        FALLBACK_LOG.info("{}: the follower needs index {}, the leader's log starts there and neither the log nor "
                + "the snapshot ({}) holds index {}; sending the snapshot (RATIS-2487 workaround)",
                this, next, snapshot.getTermIndex(), next - 1);
        return snapshot;
    }

    /** Called with the appender's lock held, so replies cannot move the next index meanwhile (a purge can). */
    @Override
    public AppendEntriesRequestProto newAppendEntriesRequest(long callId, boolean heartbeat)
            throws RaftLogIOException {
        FollowerInfo f = getFollower();
        long next = f.getNextIndex();
        long commit = f.getCommitIndex();
        if (commit >= next && next == getRaftLog().getStartIndex() && next < getRaftLog().getNextIndex()) {
            FALLBACK_LOG.info("{}: the follower committed {}, past its next index {} at the leader's log start; "
                    + "resuming after its commit (RATIS-2487 workaround)", this, commit, next);
            f.setNextIndex(commit + 1);
        }
        try {
            return super.newAppendEntriesRequest(callId, heartbeat);
        } catch (NullPointerException e) {
            if (e.getMessage() == null || !e.getMessage().contains(PREVIOUS_NOT_FOUND)) {
                throw e;
            }
            FALLBACK_LOG.info("{}: {}; skipping this request, the next round sends the snapshot (RATIS-2487 "
                    + "workaround)", this, e.getMessage());
            return null;
        }
    }

    /**
     * The rule: the follower's next index is the leader's log start, the entry before it is unknown
     * ({@code previous == null}), it is not right after the snapshot the follower installed from this leader,
     * and the follower has not committed the entry at its next index (as far as the leader knows).
     */
    static boolean sendsSnapshot(long followerNext, long followerSnapshotIndex, long followerCommit,
                                 long leaderStart, long leaderNext, TermIndex previous) {
        return followerNext < leaderNext
                && followerNext == leaderStart
                && followerNext > RaftLog.LEAST_VALID_LOG_INDEX
                && followerNext != followerSnapshotIndex + 1
                && previous == null
                && followerCommit < followerNext;
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

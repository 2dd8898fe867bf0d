package io.raftlite.core.workaround;

import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.raftlog.RaftLogIOException;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WORKAROUND for RATIS-2500 (open in Ratis 3.3.0), and for a follower the leader believes behind its own commit.
 * Delete when {@code SnapshotFallbackLogAppenderTest.stockSendsTheSnapshotRightAfterTheFollowersOwn} and
 * {@code ...stockSendsTheSnapshotToAFollowerThatCommittedPastItsNextIndex} fail (Ratis then decides as
 * {@link #keepsEntries} does), together with {@link SnapshotFallbackRpcType}.
 *
 * <p>Ratis 3.3.0 fixed RATIS-2487 (a follower whose next index is the leader's log start, where the entry before
 * it is neither in the log nor the latest snapshot, got neither entries nor a snapshot): its
 * {@code LogAppender.shouldInstallSnapshot} now sends the snapshot then. It sends it in two cases where that
 * loops or wastes a copy, which this appender turns back into entries:
 * <ul>
 *   <li><b>RATIS-2500</b>: the follower's next index is right after the snapshot it installed from this leader.
 *       Ratis' own append path sends entries without the previous one exactly then
 *       ({@code LogAppenderBase.newAppendEntriesRequest}), but the run loop asks {@code shouldInstallSnapshot}
 *       first, so the exemption is unreachable and the whole database goes out again (upstream: an endless
 *       notification loop).</li>
 *   <li>A follower the leader knows to have <b>committed the entry at its next index</b> is ahead of what the
 *       leader thinks (Ratis lowers a next index after a failed or inconsistent request). The snapshot would be
 *       answered ALREADY_INSTALLED, which moves the next index to the reply's snapshot index (0 for a streamed
 *       snapshot) + 1, below the log start, so the same snapshot would go out forever. Its next index moves to
 *       after its commit instead, under the appender's lock.</li>
 * </ul>
 */
public class SnapshotFallbackLogAppender extends GrpcLogAppender {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFallbackLogAppender.class);

    public SnapshotFallbackLogAppender(RaftServer.Division server, LeaderState leaderState, FollowerInfo follower) {
        super(server, leaderState, follower);
    }

    @Override
    public SnapshotInfo shouldInstallSnapshot() {
        SnapshotInfo stock = super.shouldInstallSnapshot();
        return stock == null || !keepsEntries(this) ? stock : null;
    }

    /** Called with the appender's lock held, so replies cannot move the next index meanwhile (a purge can). */
    @Override
    public AppendEntriesRequestProto newAppendEntriesRequest(long callId, boolean heartbeat)
            throws RaftLogIOException {
        FollowerInfo f = getFollower();
        long next = f.getNextIndex();
        long commit = f.getCommitIndex();
        RaftLog log = getRaftLog();
        if (commit >= next && next == log.getStartIndex() && commit < log.getNextIndex() && getPrevious(next) == null) {
            LOG.info("{}: the follower committed {}, past its next index {} at the leader's log start; resuming "
                    + "after its commit", this, commit, next);
            f.setNextIndex(commit + 1);
        }
        return super.newAppendEntriesRequest(callId, heartbeat);
    }

    /**
     * Whether the appender should send entries although Ratis chose the snapshot: it chose it only because the
     * entry before the follower's next index is unknown (RATIS-2487's rule), and the follower either starts right
     * after its installed snapshot (RATIS-2500) or has committed that next entry already.
     */
    public static boolean keepsEntries(LogAppender appender) {
        FollowerInfo f = appender.getFollower();
        RaftLog log = appender.getRaftLog();
        long next = f.getNextIndex();
        boolean onlyForLackOfPrevious = next == log.getStartIndex() && next < log.getNextIndex()
                && next > RaftLog.LEAST_VALID_LOG_INDEX && appender.getPrevious(next) == null
                && !(appender.getLeaderState().isFollowerBootstrapping(f) && !f.hasAttemptedToInstallSnapshot());
        return onlyForLackOfPrevious && (next == f.getSnapshotIndex() + 1 || f.getCommitIndex() >= next);
    }
}

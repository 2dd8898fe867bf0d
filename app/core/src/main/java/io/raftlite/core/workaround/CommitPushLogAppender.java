package io.raftlite.core.workaround;

import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.raftlog.RaftLogIOException;

/**
 * WORKAROUND for Ratis 3.3.0 telling a caught-up follower about a commit only with the next heartbeat when
 * log-metadata entries are off (no upstream issue found; issue 16). Delete when
 * {@code CommitPushLogAppenderTest.stockTellsACommitOnlyWithTheNextHeartbeat} fails, or turn log-metadata entries
 * back on and delete it.
 *
 * <p>When the leader's commit index moves, Ratis wakes every log appender, and {@code GrpcLogAppender}'s loop sees
 * the follower's commit behind the leader's. But {@code LogAppenderBase.newAppendEntriesRequest} makes no request
 * when there are no entries to send and no heartbeat is due, so the follower learns the commit from the next
 * heartbeat, half an election timeout later (500 ms in a node): bench/run measured replication visibility
 * (a write acknowledged at the leader, then read on a follower) at p50 502 ms. Ratis' log-metadata entries hid
 * it, at the price of a second replicated, fsync'd entry and a second commit round per write: on a quiet machine
 * 6 % of a lone write's CPU and 20 % of its thread wake-ups (bench/profile-notes.md).
 *
 * <p>This appender sends an empty append (what a heartbeat is: it carries the leader's commit index) when Ratis
 * made no request, the follower has every entry, and its commit is behind a commit index not yet pushed to it.
 * Not while an append of entries to it is unanswered: Ratis then sends a heartbeat without the previous entry,
 * which a follower cannot commit by (it commits at most the previous entry's index plus the entries sent); the
 * reply to that append wakes the appender, which pushes then. Each commit index is pushed at most once per
 * follower; a lost push is made good by the next heartbeat, as in stock Ratis. It only adds messages Ratis
 * sends anyway, so nothing a follower accepts changes.
 */
public class CommitPushLogAppender extends SnapshotFallbackLogAppender {

    /** The highest commit index this appender pushed (its thread only). */
    private long pushed = RaftLog.INVALID_LOG_INDEX;

    public CommitPushLogAppender(RaftServer.Division server, LeaderState leaderState, FollowerInfo follower) {
        super(server, leaderState, follower);
    }

    @Override
    public AppendEntriesRequestProto newAppendEntriesRequest(long callId, boolean heartbeat)
            throws RaftLogIOException {
        AppendEntriesRequestProto made = super.newAppendEntriesRequest(callId, heartbeat);
        if (made != null || heartbeat) {
            return made;
        }
        FollowerInfo f = getFollower();
        RaftLog log = getRaftLog();
        long commit = log.getLastCommittedIndex();
        if (commit <= f.getCommitIndex() || commit <= pushed || f.getNextIndex() < log.getNextIndex()
                || hasPendingDataRequests()) {
            return null;
        }
        pushed = commit;
        return super.newAppendEntriesRequest(callId, true);
    }
}

package io.raftlite.core.workaround;

import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.StateMachine;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ratis' own snapshot decision ({@code LogAppender.shouldInstallSnapshot}, a default method of the Ratis on the
 * class path) against {@link SnapshotFallbackLogAppender#keepsEntries}, on a leader whose log holds [23, 150) and
 * whose latest snapshot is at 140: the entry before 23 is in neither. The {@code stock…} tests are the canaries:
 * they assert the upstream behaviour the workaround exists for and fail once Ratis fixes it.
 */
class SnapshotFallbackLogAppenderTest {

    private static final long START = 23;
    private static final long LEADER_NEXT = 150;
    private static final long SNAPSHOT = 140;

    @Test
    void stockSendsTheSnapshotRightAfterTheFollowersOwn() {
        LogAppender a = appender(START, START - 1, START - 1);
        assertNotNull(a.shouldInstallSnapshot(), "RATIS-2500 is fixed (Ratis sends entries right after the"
                + " follower's snapshot): delete SnapshotFallbackLogAppender's first case");
        assertTrue(SnapshotFallbackLogAppender.keepsEntries(a), "we send entries without the previous one");
    }

    @Test
    void stockSendsTheSnapshotToAFollowerThatCommittedPastItsNextIndex() {
        LogAppender a = appender(START, 0, START + 5);
        assertNotNull(a.shouldInstallSnapshot(), "Ratis no longer sends a snapshot to a follower that committed"
                + " the entry at its next index: delete SnapshotFallbackLogAppender's second case");
        assertTrue(SnapshotFallbackLogAppender.keepsEntries(a), "we move its next index after its commit");
    }

    @Test
    void stockSendsTheSnapshotWhenTheEntryBeforeTheLogStartIsGone() {
        // RATIS-2487, fixed in 3.3.0: the reason the 3.2.2 workaround existed, now Ratis' own rule
        LogAppender a = appender(START, 0, START - 2);
        assertNotNull(a.shouldInstallSnapshot(), "RATIS-2487's rule is gone from Ratis: restore the fallback");
        assertFalse(SnapshotFallbackLogAppender.keepsEntries(a), "a follower really behind gets the snapshot");
    }

    @Test
    void otherCasesAreLeftToRatis() {
        assertFalse(SnapshotFallbackLogAppender.keepsEntries(appender(10, 0, 9)), "below the start");
        assertFalse(SnapshotFallbackLogAppender.keepsEntries(appender(24, 23, 23)), "the previous entry is in the log");
        assertFalse(SnapshotFallbackLogAppender.keepsEntries(appender(LEADER_NEXT, 0, 149)), "nothing to send");
    }

    /** A leader-side appender for a follower with these indexes; everything else as Ratis' defaults compute it. */
    private static LogAppender appender(long followerNext, long followerSnapshot, long followerCommit) {
        FollowerInfo follower = stub(FollowerInfo.class, Map.of("getNextIndex", followerNext,
                "getSnapshotIndex", followerSnapshot, "getCommitIndex", followerCommit,
                "hasAttemptedToInstallSnapshot", true, "getName", "leader->follower"));
        RaftLog log = stub(RaftLog.class, Map.of("getStartIndex", START, "getNextIndex", LEADER_NEXT));
        SnapshotInfo snapshot = stub(SnapshotInfo.class, Map.of("getTermIndex", TermIndex.valueOf(2, SNAPSHOT)));
        StateMachine sm = stub(StateMachine.class, Map.of("getLatestSnapshot", snapshot));
        RaftServer.Division server = stub(RaftServer.Division.class, Map.of("getStateMachine", sm, "getRaftLog", log));
        LeaderState leader = stub(LeaderState.class, Map.of("isFollowerBootstrapping", false));
        return stub(LogAppender.class, Map.of("getFollower", follower, "getRaftLog", log, "getServer", server,
                "getLeaderState", leader));
    }

    /**
     * An implementation of {@code type} whose default methods run as Ratis wrote them; the abstract ones answer
     * from {@code answers} by name ({@code getTermIndex(i)} of a log: the entries in [START, LEADER_NEXT)).
     */
    private static <T> T stub(Class<T> type, Map<String, Object> answers) {
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getName().equals("getTermIndex") && args != null && args.length == 1) {
                long i = (Long) args[0];
                return i >= START && i < LEADER_NEXT ? TermIndex.valueOf(2, i) : null;
            }
            if (answers.containsKey(method.getName())) {
                return answers.get(method.getName());
            }
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            if (method.getName().equals("toString")) {
                return type.getSimpleName() + answers;
            }
            throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName());
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
    }
}

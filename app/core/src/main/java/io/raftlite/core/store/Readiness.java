package io.raftlite.core.store;

import org.apache.ratis.server.DivisionInfo;

/**
 * The readiness rule: a leader is known (and, on the leader, it has committed its first entry of the
 * term), and this node has applied everything that was committed when it first learnt of a leader. The
 * catch-up target is fixed once, so a busy cluster cannot keep a healthy node "not ready" forever.
 */
final class Readiness {

    private long catchUpTarget = -1;
    private boolean caughtUp;

    synchronized boolean check(DivisionInfo info, long commitIndex, long appliedIndex) {
        if (info.getLeaderId() == null || (info.isLeader() && !info.isLeaderReady())) {
            return false;
        }
        if (catchUpTarget < 0) {
            catchUpTarget = commitIndex;
        }
        if (!caughtUp && appliedIndex >= catchUpTarget) {
            caughtUp = true;
        }
        return caughtUp;
    }
}

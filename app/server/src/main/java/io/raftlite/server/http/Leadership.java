package io.raftlite.server.http;

import java.time.Duration;

/**
 * What a request needs to know about leadership, cheap enough to ask on every request.
 *
 * @param role               this node's Raft role: LEADER, FOLLOWER, CANDIDATE, LISTENER or UNKNOWN
 * @param sinceLeaderContact time since this node last heard from the leader: zero on the leader, null when
 *                           no leader is known
 */
public record Leadership(String role, Duration sinceLeaderContact) {

    public boolean isLeader() {
        return "LEADER".equals(role);
    }

    public boolean isListener() {
        return "LISTENER".equals(role);
    }

    public boolean leaderKnown() {
        return sinceLeaderContact != null;
    }
}

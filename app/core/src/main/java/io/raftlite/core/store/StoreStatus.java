package io.raftlite.core.store;

/**
 * A point-in-time view of this node's Raft state, for {@code /status}, {@code /readyz} and {@code /leader}.
 *
 * @param role          LEADER, FOLLOWER, CANDIDATE, LISTENER or UNKNOWN
 * @param leaderId      the current leader's node id, or null when none is known
 * @param leaderAddress the current leader's advertised Raft address, or null
 */
public record StoreStatus(String nodeId, String role, long term, String leaderId, String leaderAddress,
                          long commitIndex, long appliedIndex, long snapshotIndex, long dbSizeBytes,
                          String groupId, boolean ready) {
}

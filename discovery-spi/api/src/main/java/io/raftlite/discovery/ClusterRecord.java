package io.raftlite.discovery;

import java.util.List;
import java.util.Objects;

/**
 * What a discovery store holds under a key: who is forming or leading a cluster and who its members are.
 * Stored as JSON by {@link RecordJson}; the top-level {@code id}, {@code api_addr} and {@code addr} are
 * rqlite's leader-key fields, so rqlite tooling that reads a leader key reads this one too.
 *
 * @param state     how far the cluster got
 * @param clusterId a random id chosen by the node that claimed the key; it tells one formation from
 *                  another after a wiped cluster is formed again under the same key
 * @param leader    the claimer (CLAIMED) or the leader when last written (FORMED); null for LISTED
 * @param members   every member when last written; joiners try the leader first, then these
 * @param updatedMillis when the record was written, milliseconds since the epoch (0 for LISTED)
 */
public record ClusterRecord(State state, String clusterId, Member leader, List<Member> members,
                            long updatedMillis) {

    /** How far a cluster got. */
    public enum State {
        /** A node won the key and is forming the cluster; the record expires unless it becomes FORMED. */
        CLAIMED,
        /** A cluster exists; the record is durable and its leader rewrites it. */
        FORMED,
        /** Addresses an address-list store (DNS) resolved; no cluster is implied. */
        LISTED
    }

    public ClusterRecord {
        Objects.requireNonNull(state, "state");
        members = List.copyOf(members);
        if (state != State.LISTED) {
            Objects.requireNonNull(clusterId, "clusterId");
            Objects.requireNonNull(leader, "leader");
        }
    }

    /** A claim by {@code claimer} for a new cluster. */
    public static ClusterRecord claimed(String clusterId, Member claimer, long nowMillis) {
        return new ClusterRecord(State.CLAIMED, clusterId, claimer, List.of(claimer), nowMillis);
    }

    /** A formed cluster led by {@code leader}. */
    public static ClusterRecord formed(String clusterId, Member leader, List<Member> members, long nowMillis) {
        return new ClusterRecord(State.FORMED, clusterId, leader, members, nowMillis);
    }

    /** Addresses resolved by an address-list store. */
    public static ClusterRecord listed(List<Member> members) {
        return new ClusterRecord(State.LISTED, null, null, members, 0);
    }
}

package io.raftlite.server.http;

import java.time.Duration;
import java.util.Optional;

/** What {@code DELETE /remove} and {@code POST /leader} need from the store. */
public interface MembershipStore {

    /** Whether this node leads (a {@code redirect} is only answered elsewhere). */
    boolean isLeader();

    /** The leader's advertised HTTP API URL, when a leader is known and reachable. */
    Optional<String> leaderApiAddress();

    /**
     * Removes member {@code nodeId} through the leader (over Raft); blocks until it is committed.
     *
     * @throws io.raftlite.core.store.StoreException NOT_FOUND, INVALID, NO_LEADER, TIMEOUT or UNAVAILABLE
     */
    void remove(String nodeId, Duration timeout) throws InterruptedException;

    /**
     * Moves leadership to voter {@code nodeId} (null: any other voter) through the leader; blocks until it leads.
     *
     * @throws io.raftlite.core.store.StoreException NOT_FOUND, INVALID, NO_LEADER, TIMEOUT or UNAVAILABLE
     */
    void stepdown(String nodeId, Duration timeout) throws InterruptedException;
}

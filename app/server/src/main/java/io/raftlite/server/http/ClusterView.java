package io.raftlite.server.http;

import io.raftlite.core.store.StoreStatus;

import java.util.List;

/** What the status endpoints need to know about the cluster. */
public interface ClusterView {

    StoreStatus status();

    /**
     * Every member of the current configuration, voters first. With {@code probe}, each other member is asked
     * for its metadata over the Raft side (bounded wait) to fill in {@code apiAddress} and {@code reachable}.
     */
    List<Member> members(boolean probe);

    /** The leader, with its API address (asked of the leader alone, cached); empty when no leader is known. */
    java.util.Optional<Member> leader();

    /**
     * One member as rqlite's {@code /nodes} shows it.
     *
     * @param version the raftlite version the member reported ({@code ""} when it did not answer)
     * @param time    how long asking it for its metadata took (rqlite's {@code time}, {@code time_s}); null
     *                when it was not asked
     */
    record Member(String id, String apiAddress, String raftAddress, boolean voter, boolean reachable,
                  boolean leader, String error, String version, java.time.Duration time) {
    }
}

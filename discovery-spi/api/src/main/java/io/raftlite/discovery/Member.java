package io.raftlite.discovery;

import java.util.Objects;

/**
 * One node as a discovery record names it.
 *
 * @param id          the node id; null when the store only knows an address (DNS)
 * @param raftAddress the advertised Raft address {@code host:port}, what joiners contact
 * @param apiAddress  the advertised HTTP API URL, e.g. {@code http://10.0.0.1:4001}; null when unknown
 */
public record Member(String id, String raftAddress, String apiAddress) {

    public Member {
        Objects.requireNonNull(raftAddress, "raftAddress");
        if (raftAddress.isBlank()) {
            throw new IllegalArgumentException("a member needs a Raft address");
        }
    }

    /** A member of which only the Raft address is known. */
    public static Member at(String raftAddress) {
        return new Member(null, raftAddress, null);
    }
}

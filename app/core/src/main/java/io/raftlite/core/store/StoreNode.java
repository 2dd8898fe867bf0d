package io.raftlite.core.store;

/**
 * One member of the Raft group as this node sees it.
 *
 * @param id      the node id (Raft peer id)
 * @param address its advertised Raft address
 * @param voter   true for a voting member, false for a non-voting listener
 */
public record StoreNode(String id, String address, boolean voter) {
}

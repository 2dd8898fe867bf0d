package io.raftlite.core.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the store needs to run one node.
 *
 * @param nodeId             this node's id (the Raft peer id), never changes for a data directory
 * @param raftBindAddress    host:port the Ratis gRPC server listens on
 * @param raftAdvertisedAddress host:port other nodes reach this node at
 * @param dataDir            the node's data directory; the store owns {@code raft/} and {@code db.sqlite} in it
 * @param clusterName        the Raft group id is derived from it, so every node agrees without talking
 * @param snapshotThreshold  take a snapshot after this many applied entries
 * @param logSegmentSizeBytes Raft log segment size; the log is purged a whole segment at a time
 * @param readConnections    size of the read-only connection pool
 * @param applyTimeout       how long a write may wait to be committed and applied
 * @param apiAddress         this node's advertised HTTP API URL (e.g. {@code http://127.0.0.1:4001}), served
 *                           to other nodes by the node-metadata RPC; may be empty
 */
public record StoreConfig(String nodeId, String raftBindAddress, String raftAdvertisedAddress, Path dataDir,
                          String clusterName, long snapshotThreshold, long logSegmentSizeBytes,
                          int readConnections, Duration applyTimeout, String apiAddress) {

    public StoreConfig {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(raftBindAddress, "raftBindAddress");
        Objects.requireNonNull(raftAdvertisedAddress, "raftAdvertisedAddress");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(applyTimeout, "applyTimeout");
        apiAddress = apiAddress == null ? "" : apiAddress;
        if (snapshotThreshold < 1) {
            throw new IllegalArgumentException("snapshotThreshold must be at least 1");
        }
        if (readConnections < 1) {
            throw new IllegalArgumentException("readConnections must be at least 1");
        }
    }

    /** Without an API address (kept so existing call sites compile until they pass one). */
    public StoreConfig(String nodeId, String raftBindAddress, String raftAdvertisedAddress, Path dataDir,
                       String clusterName, long snapshotThreshold, long logSegmentSizeBytes,
                       int readConnections, Duration applyTimeout) {
        this(nodeId, raftBindAddress, raftAdvertisedAddress, dataDir, clusterName, snapshotThreshold,
                logSegmentSizeBytes, readConnections, applyTimeout, "");
    }
}

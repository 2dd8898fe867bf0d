package io.raftlite.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Fully validated settings of one node.
 *
 * @param requestedNodeId the id asked for, or null to keep the persisted one (or default on first start)
 */
public record NodeSettings(String requestedNodeId, Path dataDir, HostPort httpAddr, HostPort httpAdvAddr,
                           long maxBodyBytes, HostPort raftAddr, HostPort raftAdvAddr, long snapshotThreshold,
                           long logSegmentSizeBytes, Duration applyTimeout, String clusterName,
                           int readConnections, int queueCapacity, int queueBatchSize, Duration queueTimeout) {
}

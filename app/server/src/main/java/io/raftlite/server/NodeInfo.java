package io.raftlite.server;

import io.raftlite.core.store.NodeMeta;

import java.time.Instant;

/** Facts about this process that the API reports: node id, version, start time. */
public record NodeInfo(String nodeId, String version, Instant startedAt) {

    /** This build's version (the same text every node reports to the others, {@link NodeMeta#CURRENT_VERSION}). */
    public static String buildVersion() {
        return NodeMeta.CURRENT_VERSION;
    }
}

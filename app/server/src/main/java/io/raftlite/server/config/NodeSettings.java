package io.raftlite.server.config;

import io.raftlite.core.auth.CredentialStore;
import io.raftlite.core.db.ReadLimits;
import io.raftlite.core.db.WriteLimits;
import io.raftlite.core.store.TlsConfig;
import io.raftlite.server.render.RenderSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Fully validated settings of one node.
 *
 * @param requestedNodeId the id asked for, or null to keep the persisted one (or default on first start)
 * @param join            Raft addresses to join through when the node has no Raft state yet (empty: bootstrap alone)
 * @param bootstrapExpect form a cluster with this many of the {@code join} nodes when none exists (0: off)
 * @param maxVoters       the voter cap (odd, at least 1)
 * @param reapNodeTimeout how long a voter may be unreachable before the leader removes it (zero: never)
 * @param reapReadOnlyNodeTimeout the same for listeners (zero: never)
 * @param electionTimeout Raft election timeout (followers wait between this and twice this for a leader)
 * @param discovery       the discovery store to form or join through, or null when off
 * @param ops             log levels and metrics
 * @param writeLimits     deterministic budgets of writes and strong reads (steps, value size, database size)
 * @param reads           time and memory bounds of reads ({@code -db-timeout}, {@code -db-read-*})
 * @param httpLimits      the HTTP server's connection, time and body bounds
 * @param httpTls         TLS of the HTTP API ({@link HttpTlsSettings#OFF}: plain HTTP)
 * @param auth            the users of the {@code -auth} file, or null when authentication is off
 * @param raftTls         TLS on the Raft port ({@code -node-*}), or null for plaintext (loopback or -raft-insecure)
 * @param maxWatchers     the {@code /db/watch} requests this node holds at once
 * @param render          the files this node renders ({@code render} list, empty: none)
 * @param clusterRemoveShutdown remove this node from the cluster on a graceful stop ({@code -raft-cluster-remove-shutdown})
 * @param autoBackup      the {@code -auto-backup} file's settings, or null when off
 * @param recover         recover from permanent quorum loss at start ({@code -raft-recover})
 */
public record NodeSettings(String requestedNodeId, Path dataDir, HostPort httpAddr, HostPort httpAdvAddr,
                           long maxBodyBytes, HostPort raftAddr, HostPort raftAdvAddr, long snapshotThreshold,
                           long logSegmentSizeBytes, Duration applyTimeout, String clusterName,
                           int readConnections, int queueCapacity, int queueBatchSize, Duration queueTimeout,
                           boolean nonVoter, List<HostPort> join, Duration joinTimeout,
                           int bootstrapExpect, Duration bootstrapExpectTimeout, int maxVoters,
                           Duration reapNodeTimeout, Duration reapReadOnlyNodeTimeout, Duration electionTimeout,
                           DiscoverySettings discovery, OpsSettings ops, WriteLimits writeLimits, ReadLimits reads,
                           HttpLimits httpLimits, HttpTlsSettings httpTls,
                           CredentialStore auth, TlsConfig raftTls,
                           int maxWatchers, List<RenderSpec> render,
                           boolean clusterRemoveShutdown, io.raftlite.server.backup.AutoBackupConfig autoBackup,
                           boolean recover) {

    public NodeSettings {
        join = List.copyOf(join);
        render = List.copyOf(render);
    }

    /** This node's advertised API URL: {@code https://} with {@code -http-cert}, else {@code http://}. */
    public String apiAddress() {
        return httpTls.scheme() + "://" + httpAdvAddr;
    }
}

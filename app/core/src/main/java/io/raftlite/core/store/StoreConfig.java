package io.raftlite.core.store;

import io.raftlite.core.db.WriteLimits;

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
 * @param membership         voter cap, read-replica choice and reaping ({@link Membership#DEFAULT} when null)
 * @param electionTimeout    a follower that hears no leader for between this and twice this starts an election;
 *                           a leader that hears from no majority for twice this steps down
 *                           ({@link #DEFAULT_ELECTION_TIMEOUT} when null)
 * @param writeLimits        deterministic budgets of every apply ({@link WriteLimits#DEFAULT} when null); the same
 *                           on every node of a cluster
 * @param failStop           what a storage failure while applying an entry does ({@link FailStop#STOP_SERVER} when
 *                           null)
 * @param tls                TLS on the Raft port (server and every client this node opens); null: plaintext
 */
public record StoreConfig(String nodeId, String raftBindAddress, String raftAdvertisedAddress, Path dataDir,
                          String clusterName, long snapshotThreshold, long logSegmentSizeBytes,
                          int readConnections, Duration applyTimeout, String apiAddress, Membership membership,
                          Duration electionTimeout, WriteLimits writeLimits, FailStop failStop,
                          TlsConfig tls) {

    /**
     * Called on the apply thread when applying entry {@code index} failed for a reason that is not the same on
     * every replica (I/O error, full disk, corruption). When it returns, the exception goes on to Ratis, which
     * stops this node's Raft server while the process lives on; the server's hook ends the process instead.
     */
    @FunctionalInterface
    public interface FailStop {
        /** Leaves it to Ratis: the Raft server stops, the process stays (what in-process tests want). */
        FailStop STOP_SERVER = (index, failure) -> { };

        void storageFailed(long index, RuntimeException failure);
    }

    /**
     * rqlite's and etcd's 1 s rather than Ratis' 150 ms: raftlite runs beside other applications on busy hosts,
     * where a pause of a few hundred milliseconds is common. With Ratis' default a leader steps down after 300 ms
     * without a majority's reply, and a step-down while a listener is being promoted to the second voter wedges
     * the group for good (the promoted node has not received the entry yet, and Ratis listeners refuse to vote).
     */
    public static final Duration DEFAULT_ELECTION_TIMEOUT = Duration.ofSeconds(1);

    /**
     * How this node takes part in membership decisions.
     *
     * @param maxVoters       voters are kept at the largest odd number ≤ min(members, maxVoters); odd, ≥ 1
     * @param nonVoter        this node always stays a listener (read replica), never promoted
     * @param reapVoters      a leader removes a voter it has not heard from for this long; zero = never
     * @param reapListeners   the same for listeners; zero = never
     * @param balanceInterval how often a leader checks roles and reaping
     */
    public record Membership(int maxVoters, boolean nonVoter, Duration reapVoters, Duration reapListeners,
                             Duration balanceInterval) {

        public static final Membership DEFAULT = new Membership(5, false, Duration.ZERO, Duration.ZERO,
                Duration.ofSeconds(1));

        public Membership {
            if (maxVoters < 1 || maxVoters % 2 == 0) {
                throw new IllegalArgumentException("maxVoters must be odd and at least 1, got " + maxVoters);
            }
            Objects.requireNonNull(reapVoters, "reapVoters");
            Objects.requireNonNull(reapListeners, "reapListeners");
            if (reapVoters.isNegative() || reapListeners.isNegative() || balanceInterval.isNegative() || balanceInterval.isZero()) {
                throw new IllegalArgumentException("negative reap timeout or non-positive balance interval");
            }
        }

        /** The number of voters wanted for {@code members} members: the largest odd number ≤ min(members, max). */
        public int targetVoters(int members) {
            int n = Math.max(1, Math.min(members, maxVoters));
            return n % 2 == 0 ? n - 1 : n;
        }
    }

    public StoreConfig {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(raftBindAddress, "raftBindAddress");
        Objects.requireNonNull(raftAdvertisedAddress, "raftAdvertisedAddress");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(applyTimeout, "applyTimeout");
        apiAddress = apiAddress == null ? "" : apiAddress;
        membership = membership == null ? Membership.DEFAULT : membership;
        electionTimeout = electionTimeout == null ? DEFAULT_ELECTION_TIMEOUT : electionTimeout;
        writeLimits = writeLimits == null ? WriteLimits.DEFAULT : writeLimits;
        failStop = failStop == null ? FailStop.STOP_SERVER : failStop;
        if (electionTimeout.toMillis() < 50) {
            throw new IllegalArgumentException("electionTimeout must be at least 50ms, got " + electionTimeout);
        }
        if (snapshotThreshold < 1) {
            throw new IllegalArgumentException("snapshotThreshold must be at least 1");
        }
        if (readConnections < 1) {
            throw new IllegalArgumentException("readConnections must be at least 1");
        }
    }

    /** With the default membership settings. */
    public StoreConfig(String nodeId, String raftBindAddress, String raftAdvertisedAddress, Path dataDir,
                       String clusterName, long snapshotThreshold, long logSegmentSizeBytes,
                       int readConnections, Duration applyTimeout, String apiAddress) {
        this(nodeId, raftBindAddress, raftAdvertisedAddress, dataDir, clusterName, snapshotThreshold,
                logSegmentSizeBytes, readConnections, applyTimeout, apiAddress, null);
    }

    /** With the default election timeout. */
    public StoreConfig(String nodeId, String raftBindAddress, String raftAdvertisedAddress, Path dataDir,
                       String clusterName, long snapshotThreshold, long logSegmentSizeBytes,
                       int readConnections, Duration applyTimeout, String apiAddress, Membership membership) {
        this(nodeId, raftBindAddress, raftAdvertisedAddress, dataDir, clusterName, snapshotThreshold,
                logSegmentSizeBytes, readConnections, applyTimeout, apiAddress, membership, null);
    }

    /** With the default write limits and fail-stop. */
    public StoreConfig(String nodeId, String raftBindAddress, String raftAdvertisedAddress, Path dataDir,
                       String clusterName, long snapshotThreshold, long logSegmentSizeBytes,
                       int readConnections, Duration applyTimeout, String apiAddress, Membership membership,
                       Duration electionTimeout) {
        this(nodeId, raftBindAddress, raftAdvertisedAddress, dataDir, clusterName, snapshotThreshold,
                logSegmentSizeBytes, readConnections, applyTimeout, apiAddress, membership, electionTimeout, null, null, null);
    }

    /** The same node with other membership settings. */
    public StoreConfig withMembership(Membership m) {
        return new StoreConfig(nodeId, raftBindAddress, raftAdvertisedAddress, dataDir, clusterName, snapshotThreshold,
                logSegmentSizeBytes, readConnections, applyTimeout, apiAddress, m, electionTimeout, writeLimits, failStop, tls);
    }

    /** The same node with another election timeout. */
    public StoreConfig withElectionTimeout(Duration timeout) {
        return new StoreConfig(nodeId, raftBindAddress, raftAdvertisedAddress, dataDir, clusterName, snapshotThreshold,
                logSegmentSizeBytes, readConnections, applyTimeout, apiAddress, membership, timeout, writeLimits, failStop, tls);
    }

    /** The same node with other write limits. */
    public StoreConfig withWriteLimits(WriteLimits limits) {
        return new StoreConfig(nodeId, raftBindAddress, raftAdvertisedAddress, dataDir, clusterName, snapshotThreshold,
                logSegmentSizeBytes, readConnections, applyTimeout, apiAddress, membership, electionTimeout, limits, failStop, tls);
    }

    /** The same node with another fail-stop action. */
    public StoreConfig withFailStop(FailStop action) {
        return new StoreConfig(nodeId, raftBindAddress, raftAdvertisedAddress, dataDir, clusterName, snapshotThreshold,
                logSegmentSizeBytes, readConnections, applyTimeout, apiAddress, membership, electionTimeout, writeLimits, action, tls);
    }

    /** The same node with TLS on the Raft port (null: plaintext). */
    public StoreConfig withTls(TlsConfig t) {
        return new StoreConfig(nodeId, raftBindAddress, raftAdvertisedAddress, dataDir, clusterName, snapshotThreshold,
                logSegmentSizeBytes, readConnections, applyTimeout, apiAddress, membership, electionTimeout, writeLimits,
                failStop, t);
    }

    /** Without an API address (kept so existing call sites compile until they pass one). */
    public StoreConfig(String nodeId, String raftBindAddress, String raftAdvertisedAddress, Path dataDir,
                       String clusterName, long snapshotThreshold, long logSegmentSizeBytes,
                       int readConnections, Duration applyTimeout) {
        this(nodeId, raftBindAddress, raftAdvertisedAddress, dataDir, clusterName, snapshotThreshold,
                logSegmentSizeBytes, readConnections, applyTimeout, "");
    }
}

package io.raftlite.core.store;

import io.raftlite.core.workaround.SnapshotFallbackRpcType;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/** Turns a {@link StoreConfig} into Ratis settings: every Ratis key the store sets is set here. */
final class RaftPropertiesFactory {

    /** Snapshot files kept in {@code sm/}: the newest and one fallback. */
    static final int SNAPSHOTS_RETAINED = 2;
    private static final long MAX_PREALLOCATED_BYTES = 4L * 1024 * 1024;
    private static final int MAX_PURGE_GAP = 1024;
    private static final long FIRST_ELECTION_MIN_MS = 150;
    private static final long FIRST_ELECTION_MAX_MS = 300;
    private static final long SOLO_FIRST_ELECTION_MIN_MS = 5;
    private static final long SOLO_FIRST_ELECTION_MAX_MS = 15;

    private RaftPropertiesFactory() {
    }

    /** Every node derives the same group id from the cluster name, without talking to the others. */
    static RaftGroupId groupId(String clusterName) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("raftlite:" + clusterName).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The settings a server starts with for {@code group}: {@code base}, except that a server started as the only
     * voter of a new group ({@code start(true)} with no Raft state, a discovery claim's winner, a quorum recovery)
     * campaigns 5-15 ms after it starts instead of 150-300 ms: nobody else can vote, so there is no election to
     * spread out. It takes about 0.2 s off a discovery formation, whose sequence waits for that election; a
     * fresh single node is not ready sooner, since its election overlaps the HTTP server's start. Ratis reads
     * the first-election timeout from the server's properties whenever it needs it, so the copy must be the
     * server's own.
     */
    static RaftProperties forStart(RaftProperties base, RaftGroup group, RaftPeerId self) {
        if (group.getPeers().size() != 1) {
            return base;
        }
        RaftPeer only = group.getPeers().iterator().next();
        if (!only.getId().equals(self) || only.getStartupRole() == RaftPeerRole.LISTENER) {
            return base;
        }
        RaftProperties p = new RaftProperties(base);
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(SOLO_FIRST_ELECTION_MIN_MS,
                java.util.concurrent.TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(SOLO_FIRST_ELECTION_MAX_MS,
                java.util.concurrent.TimeUnit.MILLISECONDS));
        return p;
    }

    static RaftProperties build(StoreConfig config, Path raftDir, EntryLimits limits) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));
        HostPort bind = HostPort.parse(config.raftBindAddress());
        GrpcConfigKeys.Server.setHost(p, bind.host());
        GrpcConfigKeys.Server.setPort(p, bind.port());

        // Reads: ReadIndex, no leader lease (a lease trusts clocks; set explicitly, docs and code disagree).
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, false);
        RaftServerConfigKeys.Read.setTimeout(p, TimeDuration.valueOf(config.applyTimeout().toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS));

        // Elections (see StoreConfig.DEFAULT_ELECTION_TIMEOUT): followers wait [t, 2t] for the leader, and a
        // leader steps down after 2t without a majority's reply; heartbeats go every t/2. The first election
        // after a start keeps Ratis' short default, so a node (or a whole cluster) that starts is led at once.
        long election = config.electionTimeout().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(election, java.util.concurrent.TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2 * election, java.util.concurrent.TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(Math.min(election, FIRST_ELECTION_MIN_MS),
                java.util.concurrent.TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(Math.min(2 * election, FIRST_ELECTION_MAX_MS),
                java.util.concurrent.TimeUnit.MILLISECONDS));

        // A follower that does not answer: after a few quick retries the leader's appender for it retries once per
        // heartbeat interval (Ratis' sleep is random in [0.5, 1.5] x that, so below the election timeout). Ratis'
        // default (1 ms x 10, 1 s x 20, then 5 s) keeps a returning follower without heartbeats for up to 5 s, more
        // than its election timeout, and after 1,030 errors stops sleeping at all; each retry also resets gRPC's
        // own reconnect back-off. PeerWatch logs the follower's state changes instead of Ratis' per-retry lines.
        RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, appenderRetryPolicy(config.electionTimeout()));

        // Membership: a node being added may go quiet while it installs the leader's snapshot; the default
        // staging timeout (3 x rpc.timeout.max, under a second) then fails the change with NOPROGRESS. Allow
        // it as long as a write may take; a joiner that is really gone blocks reconfiguration that long.
        RaftServerConfigKeys.setStagingTimeout(p, TimeDuration.valueOf(config.applyTimeout().toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS));

        // Snapshots every snapshotThreshold applied entries; the log behind them is purged (see below).
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, SNAPSHOTS_RETAINED);
        // Purge up to the snapshot whether or not every follower has it: a member that is down does not pin the
        // log; when it returns behind the leader's log start it gets the snapshot (also when its log ends exactly
        // where the leader's begins: RATIS-2487, fixed in 3.3.0). The leader's log appender is ours, which sends
        // entries where 3.3.0 would send that snapshot again (RATIS-2500; see io.raftlite.core.workaround).
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftConfigKeys.Rpc.setType(p, new SnapshotFallbackRpcType());
        // Keep one snapshot threshold's worth of entries behind the snapshot (not needed for correctness): a
        // follower that was briefly away, e.g. restarted, catches up from the log instead of copying the whole
        // database; one further behind gets the snapshot. Costs at most snapshotThreshold entries on disk.
        RaftServerConfigKeys.Log.setPurgePreservationLogNum(p, config.snapshotThreshold());
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(MAX_PURGE_GAP, config.snapshotThreshold()));

        // A follower appends the leader's entries directly, not through Ratis' compose chain (RATIS-2235, on by
        // default): there one failed append fails every later one, and an append that passed the follower's
        // checks but ran after a snapshot install (entries older than the snapshot) fails, so the replica then
        // rejects every append forever. Off, the append is synchronous (RATIS-2505); a lost race is one failed
        // request and the leader resends from the follower's next index. See AppendComposeCanaryTest.
        RaftServerConfigKeys.Log.setAppendEntriesComposeEnabled(p, false);
        // No log-metadata entries (Ratis: on). With them the leader appends a second entry after every commit, which
        // is replicated and fsync'd on every member like a command: a lone write paid two rounds of appends and
        // fsyncs (6 % more CPU, 26 % more wake-ups on a quiet machine: bench/profile-notes.md). They also told followers each commit at once; without them Ratis
        // tells it with the next heartbeat (500 ms later), so the leader's appenders push it instead
        // (workaround.CommitPushLogAppender). A restarted member applies from its snapshot on, as far as the
        // leader's commit index says.
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);

        long segment = config.logSegmentSizeBytes();
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(segment));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(Math.min(MAX_PREALLOCATED_BYTES, segment)));
        // One entry's size limits, all from the largest command (see EntryLimits): the write buffer (direct
        // memory, allocated at start) holds exactly one largest entry. Durability: the defaults (no async flush,
        // no unsafe flush, corruption policy EXCEPTION) are kept on purpose: an entry is fsync'd before it is
        // acknowledged.
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(limits.maxEntryBytes()));
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(limits.writeBufferBytes()));
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(limits.grpcMessageBytes()));
        RaftServerConfigKeys.Log.setSegmentCacheSizeMax(p, SizeInBytes.valueOf(limits.logCacheBytes()));
        // Closed segments kept in memory: at most 2 (Ratis: 6), next to the byte cap above (Ratis: 200MB). With
        // -Xmx64m the defaults let the cache hold ~24MB of large entries: 14 accepted 2MiB writes in a row ran the
        // heap out. Evicted entries are read back from disk when a lagging follower needs them.
        RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
        return p;
    }

    /** Ratis' {@code MultipleLinearRandomRetry} syntax: pairs of sleep and count, the last one never running out. */
    static String appenderRetryPolicy(java.time.Duration electionTimeout) {
        long heartbeat = Math.max(1, electionTimeout.toMillis() / 2);
        return "1ms,3, " + heartbeat + "ms," + Integer.MAX_VALUE;
    }

    /** A {@code host:port} (IPv6 in brackets). */
    record HostPort(String host, int port) {
        static HostPort parse(String s) {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1) {
                throw new IllegalArgumentException("expected host:port, got '" + s + "'");
            }
            String host = s.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                int port = Integer.parseInt(s.substring(colon + 1));
                if (port < 0 || port > 65535) {
                    throw new IllegalArgumentException("port out of range in '" + s + "'");
                }
                return new HostPort(host, port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad port in '" + s + "'", e);
            }
        }
    }
}

/**
 * Raft replication of the SQLite database through Apache Ratis (3.3.0): the data path (submit, group commit,
 * apply, snapshots, reads, forwarding). Membership (join, bootstrap, removal, voter balancing) lives in
 * {@link io.raftlite.core.membership}, the Ratis bugs raftlite works around (each with its deletion condition and
 * canary test) in {@link io.raftlite.core.workaround}; these three are the only packages that import
 * {@code org.apache.ratis}.
 *
 * <p>{@link io.raftlite.core.store.RaftStore} runs one Ratis server with one group (id derived from the
 * cluster name) and submits requests to it in-process. {@code SqliteStateMachine} is a thin adapter:
 * decode the entry ({@link io.raftlite.core.command.CommandCodec}), call the SQLite layer, encode the
 * result ({@link io.raftlite.core.command.ResultCodec}).
 *
 * <h2>Forwarding and stop</h2>
 * <ul>
 *   <li><b>Forwarding.</b> Writes go to the local server first; a NotLeaderException that names a leader makes
 *       {@code Forwarder} send the same bytes through the long-lived {@code ClusterClient} (real peer ids, rebuilt
 *       when the membership or the known leader changes) so the leader applies them and its encoded result comes back. A write that reached this node while
 *       it led is never forwarded (a deposed leader's pending entry may still commit: forwarding could apply
 *       it twice); it fails with {@code NOT_LEADER}. No leader
 *       known here → {@code NO_LEADER} at once; no answer within {@code applyTimeout} → {@code TIMEOUT}; a
 *       request forwarded to a leader this node then learns was replaced → {@code NO_LEADER} at once (its
 *       outcome unknown), so nothing bound for a deposed leader holds back writes for the new one.
 *       Linearizable reads run ReadIndex on the local server (followers and listeners ask the leader for the
 *       index, then wait for their own apply). Weak reads run on the leader's database without ReadIndex.</li>
 *   <li><b>Node metadata.</b> A one-byte request sent as a stale read addressed to one member (blocking API,
 *       unordered stream) is answered by its {@code SqliteStateMachine.query} from its own config
 *       ({@link io.raftlite.core.store.NodeMeta}); it never enters the log.</li>
 *   <li><b>Stop.</b> A leader with other voters first transfers leadership (bounded, 3 s, best effort) so the
 *       others do not wait an election timeout.</li>
 *   <li><b>Peers down.</b> The leader's {@code PeerWatch} (every half election timeout) logs one line when a
 *       follower stops answering for two election timeouts, one when it answers again and one when it has caught
 *       up, and counts them ({@link io.raftlite.core.store.PeerEvents}). Ratis' appender retries a follower
 *       that does not answer three times at once, then once per heartbeat interval (Ratis' default backs off to
 *       5 s, longer than an election timeout, and stops backing off after 1,030 errors).</li>
 * </ul>
 *
 * <h2>Restart safety: rebuild from the newest snapshot, then replay the log</h2>
 * <ul>
 *   <li>The live database is {@code <dataDir>/db.sqlite}, outside Ratis' {@code raft/<group>/sm/} directory
 *       (which a snapshot installation renames away wholesale). It is a derived cache, opened with
 *       {@code synchronous=OFF}: it is never trusted after a restart.</li>
 *   <li>On {@code initialize} (start) and {@code reinitialize} (after a snapshot arrived from the leader) the
 *       state machine picks the newest {@code snapshot.<term>_<index>} whose {@code .md5} exists and matches.
 *       Newer ones that do not verify are logged at ERROR and renamed {@code *.corrupt-<millis>} so Ratis
 *       neither counts nor serves them. The database is restored from the chosen snapshot (or deleted and
 *       started empty) and the last applied index set to the snapshot's; Ratis then replays the log after
 *       it. If the log no longer holds the entries after the chosen snapshot (it was purged behind a
 *       snapshot that is now unusable), start fails loudly instead of silently losing data.</li>
 *   <li>Hence after kill -9 at any moment every committed entry is applied exactly once: the database only
 *       ever equals "snapshot + replayed suffix".</li>
 *   <li>Snapshots: pinned on the apply thread ({@code db.pin()}), copied by a thread of its own
 *       ({@link io.raftlite.core.store.SnapshotCopy}) to a tmp file, fsync, atomic rename, MD5 file, directory
 *       fsync, while applies go on; a copy that lands a threshold or more behind the applied index starts the next
 *       at once (an idle node would otherwise wait for a write); an operator's {@code POST /snapshot} is copied the same
 *       way and answered once the copy is collected. A crash leaves no
 *       snapshot, one without MD5 (skipped), or a complete one. The newest two are kept; the log is purged up
 *       to the newest snapshot index less {@code snapshotThreshold} entries (every
 *       {@code min(snapshotThreshold, 1024)} entries, whole segments), whatever the followers have: a member
 *       that was down for longer gets the leader's snapshot.</li>
 *   <li>A follower that needs the leader's log start when the entry before it is neither in the log nor the
 *       snapshot gets the snapshot (RATIS-2487, fixed in Ratis 3.3.0; {@code SnapshotCatchUpTest} keeps the case).
 *       {@code RaftPropertiesFactory} sets {@code raft.rpc.type} to
 *       {@link io.raftlite.core.workaround.SnapshotFallbackRpcType}, plain gRPC whose leader-side log appender
 *       sends entries instead where 3.3.0 would send the snapshot in a loop or again (RATIS-2500, and a follower
 *       known to have committed past that point). Only {@code RaftServer} uses it; the {@code RaftClient}s keep
 *       default properties (the forwarding client's gRPC message size aside).</li>
 *   <li>The state machine's snapshot storage is {@link io.raftlite.core.workaround.LockedSnapshotStorage}: Ratis'
 *       storage throws when a log appender looks up the latest snapshot while the first one is being recorded.</li>
 *   <li>A read on a follower that is installing a snapshot fails in Ratis 3.3.0 with a {@code ReadException}
 *       (RATIS-2511); it is retried like a leader that is not ready yet, until the apply timeout, then
 *       {@code UNAVAILABLE} (503).</li>
 * </ul>
 *
 * <h2>Thread rules</h2>
 * <ul>
 *   <li>{@code applyTransaction}, {@code takeSnapshot} and {@code reinitialize} all run on Ratis' single
 *       StateMachineUpdater thread (checked in the 3.2.2 and 3.3.0 sources: {@code StateMachineUpdater.run} calls
 *       {@code takeSnapshot} after waiting for every pending apply), so a snapshot pinned there is exactly the
 *       state at its index. Applies are synchronous on that thread. The copy itself runs on a
 *       {@code snapshot-copy} thread; the database refuses to swap or close its file while a copy is pinned,
 *       and {@code pause} (before Ratis publishes a leader's snapshot) waits for a running copy.</li>
 *   <li>{@code query} (linearizable reads, after ReadIndex) and {@code readLocal} use the database's
 *       read-only connections from any thread.</li>
 * </ul>
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Only log entries change a database; forwarded requests and node-metadata queries never write, and a
 *       forwarded write is applied exactly as if submitted on the leader (same bytes, the leader's result).</li>
 *   <li>The membership changes only through {@code setConfiguration} on the leader, one change at a time, each
 *       a compare-and-set against the configuration it was computed from (a reconfiguration in progress or a
 *       stale view is retried); a node never starts with a group listing other members, except under
 *       bootstrap-expect: with the group computed identically by every founding node, or the group a founding
 *       node already started with.</li>
 *   <li>Only the leader's balancer changes roles; a listener started as a read replica is never promoted.</li>
 *   <li>The last applied index advances only together with the database change it stands for, or is reset
 *       together with a restore.</li>
 *   <li>A deterministic failure (SQL error, invalid load) is a successful result carrying the error, the same
 *       on every replica. An environmental failure ({@link io.raftlite.core.db.StorageException}) or an
 *       undecodable entry is thrown synchronously from {@code applyTransaction}, after the configured
 *       {@link io.raftlite.core.store.StoreConfig.FailStop} ran (the server's ends the process with exit code
 *       74): Ratis stops the server (fail-stop). Never complete an apply future exceptionally: Ratis would skip
 *       that entry on this replica only. The leader rejects undecodable commands, and single commands the
 *       SQL policy refuses, in {@code startTransaction}, before the log.</li>
 *   <li>Every Ratis size limit on an entry (appender byte limit, log write buffer, gRPC message size, log
 *       cache) comes from one place, {@code EntryLimits}, derived from the node's largest request: any command
 *       up to it fits one entry on the leader and every follower (all nodes must use the same value), and a
 *       larger one fails with {@code TOO_LARGE} before it reaches Ratis.</li>
 *   <li>A write's future completes only after the entry is fsync'd on a majority and applied here (Ratis'
 *       durability defaults are kept: no async or unsafe flush, corruption policy EXCEPTION).</li>
 *   <li>Results live only as long as someone waits for them. Ratis keeps each entry's reply in its retry cache
 *       for {@code raft.server.retrycache.expirytime} (60 s) on every node: an entry applied where no client
 *       request waits (a follower, a replay) replies empty, and this node's own requests hand the call ids
 *       already answered to the next request ({@code RepliedCallIds}), which evicts them on the leader, as
 *       Ratis' clients do for forwarded requests.</li>
 *   <li>{@code ready} = a leader is known (on the leader: it has committed its first entry of the term) and
 *       this node has applied everything committed when it first learnt of a leader; it then stays true
 *       while a leader is known.</li>
 *   <li>Every gRPC connection of a node, served or opened, goes through {@code RaftTransport}: the server's
 *       parameters and every {@code RaftClient} carry the same TLS setting ({@link io.raftlite.core.store.TlsConfig}),
 *       so a node never speaks plaintext to a TLS cluster or the other way round. {@code AdminGuard} sits in front
 *       of every service of the port: group add/remove, snapshot and election management are refused; with node
 *       identities a caller may change only its own membership entry, and only members remove others.</li>
 *   <li>A group's Raft state is never deleted to recover from lost quorum ({@code QuorumRecovery},
 *       {@code -raft-recover}): it is renamed aside and the node starts a new group of itself alone from a
 *       snapshot of its applied database plus its log's later entries; refused, changing nothing, while it and
 *       the other voters that answer are a majority. ({@code forgetGroup} deletes only a group formed alone that
 *       took no members or writes.)</li>
 * </ul>
 */
package io.raftlite.core.store;

/**
 * Raft replication of the SQLite database through Apache Ratis; the only package that imports
 * {@code org.apache.ratis}.
 *
 * <p>{@link io.raftlite.core.store.RaftStore} runs one Ratis server with one group (id derived from the
 * cluster name) and submits requests to it in-process. {@code SqliteStateMachine} is a thin adapter:
 * decode the entry ({@link io.raftlite.core.command.CommandCodec}), call the SQLite layer, encode the
 * result ({@link io.raftlite.core.command.ResultCodec}).
 *
 * <h2>Clustering</h2>
 * <ul>
 *   <li><b>Bootstrap and join.</b> The first node starts with {@code start(true)} (a one-node group). Any other
 *       node starts with {@code start(false)} (empty group, so it never campaigns before it is known) and calls
 *       {@code join}: {@code Joiner} reaches any member through a {@code RaftClient} whose peers have
 *       placeholder ids (Ratis routes client requests by group id only; the client follows NotLeaderException
 *       to the leader) and asks for {@code setConfiguration} in ADD mode through the {@code Arguments} builder
 *       (never the array overload, which drops the servers). Re-joining with the same id, address and role is
 *       a no-op; the same id at another address or role is refused at once (Ratis 3.2.2 keeps one gRPC proxy
 *       per peer id with the first address it saw, so it cannot move a member). A restarted node has state
 *       ({@code hasState()}) and recovers its membership from its own log instead of joining.</li>
 *   <li><b>Listeners.</b> In 3.2.2 a listener added to a server started with an empty group stays in STARTING
 *       (the leader never marks listeners caught up), so a fresh node joining as a listener first restarts its
 *       empty server with a group naming itself as a LISTENER; it then runs, and the leader's log replaces that
 *       configuration.</li>
 *   <li><b>Catch-up.</b> The leader's staging (catch-up gap 1000, staging timeout) makes {@code setConfiguration}
 *       wait for the new node; one far behind a purged log gets the leader's snapshot (see below). The staging
 *       timeout is raised to {@code applyTimeout} (the default, under a second, fails a change with NOPROGRESS
 *       while the new node installs a snapshot); the joiner retries a failed change anyway.</li>
 *   <li><b>Forwarding.</b> Writes go to the local server first; a NotLeaderException that names a leader makes
 *       {@code Forwarder} send the same bytes through the long-lived {@code ClusterClient} (real peer ids, rebuilt
 *       when the membership changes) so the leader applies them and its encoded result comes back. A write that reached this node while
 *       it led is never forwarded (a deposed leader's pending entry may still commit: forwarding could apply
 *       it twice); it fails with {@code NOT_LEADER}. No leader
 *       known here → {@code NO_LEADER} at once; no answer within {@code applyTimeout} → {@code TIMEOUT}.
 *       Linearizable reads run ReadIndex on the local server (followers and listeners ask the leader for the
 *       index, then wait for their own apply). Weak reads run on the leader's database without ReadIndex.</li>
 *   <li><b>Node metadata.</b> A one-byte request sent as a stale read addressed to one member (blocking API,
 *       unordered stream) is answered by its {@code SqliteStateMachine.query} from its own config
 *       ({@link io.raftlite.core.store.NodeMeta}); it never enters the log.</li>
 *   <li><b>Stop.</b> A leader with other voters first transfers leadership (bounded, 3 s, best effort) so the
 *       others do not wait an election timeout.</li>
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
 *   <li>Snapshots: {@code db.copyTo(tmp)}, fsync, atomic rename, MD5 file, directory fsync. A crash leaves no
 *       snapshot, one without MD5 (skipped), or a complete one. The newest two are kept; the log is purged up
 *       to the newest snapshot index less {@code snapshotThreshold} entries (every
 *       {@code min(snapshotThreshold, 1024)} entries, whole segments), whatever the followers have: a member
 *       that was down for longer gets the leader's snapshot.</li>
 *   <li>RATIS-2487 workaround (delete on upgrading to a Ratis with the fix): Ratis 3.2.2 sends a follower
 *       neither entries nor a snapshot when its next index is the leader's log start and the entry before it
 *       is neither in the log nor the snapshot's last. {@code RaftPropertiesFactory} sets {@code raft.rpc.type}
 *       to {@code SnapshotFallbackRpcType}, plain gRPC whose leader-side {@code SnapshotFallbackLogAppender}
 *       sends the snapshot then too (upstream's rule, with RATIS-2500's exemption); a follower known to have
 *       committed past that point gets entries from after its commit instead, and a request whose previous
 *       entry vanished meanwhile is skipped rather than stopping the appender. Only {@code RaftServer} uses
 *       it; the {@code RaftClient}s keep default properties.</li>
 * </ul>
 *
 * <h2>Thread rules</h2>
 * <ul>
 *   <li>{@code applyTransaction}, {@code takeSnapshot} and {@code reinitialize} all run on Ratis' single
 *       StateMachineUpdater thread (checked in the 3.2.2 source: {@code StateMachineUpdater.run} calls
 *       {@code takeSnapshot} after waiting for every pending apply), so a snapshot is exactly the state at
 *       its index and no lock is needed between them. Applies are synchronous on that thread.</li>
 *   <li>{@code query} (linearizable reads, after ReadIndex) and {@code readLocal} use the database's
 *       read-only connections from any thread.</li>
 * </ul>
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Only log entries change a database; forwarded requests and node-metadata queries never write, and a
 *       forwarded write is applied exactly as if submitted on the leader (same bytes, the leader's result).</li>
 *   <li>A node is added only through {@code setConfiguration} on the leader, one at a time (a reconfiguration
 *       in progress is retried); a node never starts with a group listing other members.</li>
 *   <li>The last applied index advances only together with the database change it stands for, or is reset
 *       together with a restore.</li>
 *   <li>A deterministic failure (SQL error, invalid load) is a successful result carrying the error, the same
 *       on every replica. An environmental failure ({@link io.raftlite.core.db.StorageException}) or an
 *       undecodable entry is thrown synchronously from {@code applyTransaction}: Ratis stops the server
 *       (fail-stop). Never complete an apply future exceptionally: Ratis would skip that entry on this
 *       replica only. The leader rejects undecodable commands in {@code startTransaction}, before the log.</li>
 *   <li>A write's future completes only after the entry is fsync'd on a majority and applied here (Ratis'
 *       durability defaults are kept: no async or unsafe flush, corruption policy EXCEPTION).</li>
 *   <li>{@code ready} = a leader is known (on the leader: it has committed its first entry of the term) and
 *       this node has applied everything committed when it first learnt of a leader; it then stays true
 *       while a leader is known.</li>
 * </ul>
 */
package io.raftlite.core.store;

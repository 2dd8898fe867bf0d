/**
 * Raft replication of the SQLite database through Apache Ratis; the only package that imports
 * {@code org.apache.ratis}.
 *
 * <p>{@link io.raftlite.core.store.RaftStore} runs one Ratis server with one group (id derived from the
 * cluster name) and submits requests to it in-process. {@code SqliteStateMachine} is a thin adapter:
 * decode the entry ({@link io.raftlite.core.command.CommandCodec}), call the SQLite layer, encode the
 * result ({@link io.raftlite.core.command.ResultCodec}).
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
 *       to the newest snapshot index (every {@code min(snapshotThreshold, 1024)} entries, whole segments).</li>
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

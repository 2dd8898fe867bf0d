/**
 * Workarounds for Apache Ratis bugs (Ratis 3.3.0), each with the condition for deleting it and a canary: a test
 * that runs the Ratis on the class path and asserts the bug is still there, so it fails on the upgrade that
 * fixes it (canaries never copy Ratis' code). The classes here reach Ratis internals; the workarounds that are
 * a way of using Ratis rather than code (the role restarts) stay where they are used and are listed here too.
 *
 * <table>
 *   <caption>Ratis workarounds</caption>
 *   <tr><th>Workaround</th><th>Upstream</th><th>Why</th><th>Delete when</th><th>Canary</th></tr>
 *   <tr><td>{@link io.raftlite.core.workaround.SnapshotFallbackLogAppender},
 *       {@link io.raftlite.core.workaround.SnapshotFallbackRpcType}</td>
 *       <td>RATIS-2500 (open); RATIS-2487 fixed in 3.3.0</td>
 *       <td>3.3.0 sends the whole snapshot again to a follower whose next index follows the snapshot it
 *       installed, and forever to one that committed past the next index the leader has for it</td>
 *       <td>both canaries fail</td>
 *       <td>{@code SnapshotFallbackLogAppenderTest.stockSendsTheSnapshotRightAfterTheFollowersOwn},
 *       {@code ...stockSendsTheSnapshotToAFollowerThatCommittedPastItsNextIndex}</td></tr>
 *   <tr><td>{@link io.raftlite.core.workaround.ReadIndexRoundPerRead} (installed by
 *       {@link io.raftlite.core.workaround.SnapshotFallbackRpcType})</td>
 *       <td>none found</td>
 *       <td>3.3.0 answers a ReadIndex read without a heartbeat round when an earlier round confirmed an index at
 *       least as high: a leader cut off from every follower serves linearizable reads from stale state until it
 *       steps down (the fault suite's long run saw one)</td>
 *       <td>the canary fails</td>
 *       <td>{@code ReadIndexRoundPerReadTest.stockAnswersAnIsolatedLeadersReadWithoutARound}</td></tr>
 *   <tr><td>{@link io.raftlite.core.workaround.ReadRoundLogAppender}</td><td>none found</td>
 *       <td>3.3.0's ReadIndex round can miss the heartbeat it triggered (the appender takes the call id before
 *       the round notes it, or an older request clears the trigger) and waits for the next scheduled one: with
 *       a round per read, 1 % of linearizable reads took 500 ms</td>
 *       <td>with {@code ReadIndexRoundPerRead}, or when a canary fails</td>
 *       <td>{@code ReadRoundLogAppenderTest.stockRoundsCanMissTheirHeartbeat},
 *       {@code ...stockRoundsCanLoseTheirTriggerToAnOlderRequest}</td></tr>
 *   <tr><td>{@link io.raftlite.core.workaround.CommitPushLogAppender}</td><td>none found</td>
 *       <td>without log-metadata entries (off: they cost a second replicated, fsync'd entry per write), 3.3.0
 *       tells a caught-up follower a commit only with the next heartbeat, 500 ms later</td>
 *       <td>the canary fails, or log-metadata entries go back on</td>
 *       <td>{@code CommitPushLogAppenderTest.stockTellsACommitOnlyWithTheNextHeartbeat}</td></tr>
 *   <tr><td>{@link io.raftlite.core.workaround.LogWorkerClose} (every close of a server in
 *       {@code RaftStore}: a node's stop, the restarts while it forms or joins)</td><td>none found</td>
 *       <td>3.3.0's log worker notices that its log is closing only when its one-second poll returns, so closing a
 *       server waits up to a second for nothing: 0.98-1.01 s of every node's stop, measured</td>
 *       <td>the canary fails</td>
 *       <td>{@code LogWorkerCloseTest.stockCloseWaitsForTheWorkersPoll}</td></tr>
 *   <tr><td>{@link io.raftlite.core.workaround.LockedSnapshotStorage}</td>
 *       <td>none found (RATIS-2048 fixed another NPE there)</td>
 *       <td>a snapshot lookup racing the first snapshot's record throws in the leader's log appender</td>
 *       <td>the canary fails</td>
 *       <td>{@code LockedSnapshotStorageTest.stockStorageThrowsWhenAnEmptyScanFollowsARecord}</td></tr>
 *   <tr><td>{@link io.raftlite.core.workaround.PeerProxyRefresh}</td><td>none found</td>
 *       <td>a server dials a peer id at the first address it saw, and the leader keeps a re-joined member's
 *       old progress: a node cannot come back at another address or with a wiped disk</td>
 *       <td>the canary fails and {@code MoveTest} passes without the class</td>
 *       <td>{@code PeerProxyRefreshTest.stockProxyMapKeepsThePeersFirstAddress}</td></tr>
 *   <tr><td>Listener restarts: {@code Membership.restartIfDemoted}, the joiner's and bootstrapper's restart
 *       of a listener's server (io.raftlite.core.membership)</td><td>none found</td>
 *       <td>Ratis turns a LISTENER into a FOLLOWER but never the reverse: a demoted voter, or a server started
 *       outside the configuration and then listed as a listener, runs as a FOLLOWER (and shuts down when its
 *       election timer fires)</td>
 *       <td>the canary fails</td><td>{@code RatisRoleCanaryTest.aDemotedVoterStaysAFollower}</td></tr>
 *   <tr><td>Joins never use {@code setConfiguration} mode ADD (io.raftlite.core.membership.Joiner, ConfChange)</td>
 *       <td>none found</td>
 *       <td>ADD takes the listeners from the request, not from the merged configuration: it drops them</td>
 *       <td>the canary fails (then ADD may be used; CAS stays the safer choice)</td>
 *       <td>{@code RatisRoleCanaryTest.addModeDropsTheListeners}</td></tr>
 *   <tr><td>{@code raft.server.log.append-entries.compose.enabled=false} (RaftPropertiesFactory)</td>
 *       <td>none found (the chain: RATIS-2235, RATIS-2387)</td>
 *       <td>an append queued on the follower's composed chain before a snapshot install fails after it, and
 *       every later append on the chain fails the same way: the replica never catches up</td>
 *       <td>the canary fails</td><td>{@code AppendComposeCanaryTest}</td></tr>
 *   <tr><td>{@link io.raftlite.core.workaround.NotReadyAppendLog} (used by the server's log layout,
 *       {@code io.raftlite.server.logging.OneLineThrowable})</td><td>none found</td>
 *       <td>3.3.0 logs at ERROR, with a 40-line stack, every append refused by a member that starts or closes, an
 *       expected condition while nodes form, join, restart or stop</td>
 *       <td>the canary fails</td>
 *       <td>{@code NotReadyAppendLogTest.stockLogsAnAppendToAClosedServerAtError}</td></tr>
 *   <tr><td>The snapshot collect-retry: {@code io.raftlite.core.store.SqliteStateMachine}'s ask-again loop after a
 *       copy made beside the applies</td><td>none (by design upstream)</td>
 *       <td>3.3.0 merges a snapshot request into one still pending and answers it with that one's reply, which
 *       may come from a {@code takeSnapshot} that ran before the copy was done: the copy would wait for the next
 *       applied entry to be collected</td>
 *       <td>the canary fails</td>
 *       <td>{@code SnapshotRequestMergeTest.stockAnswersARequestFiledWhileAnotherIsPendingWithThePendingOnesReply}</td></tr>
 *   <tr><td>{@link io.raftlite.core.workaround.NotReadyStreamReset} (wraps the retry policy of
 *       {@code io.raftlite.core.store.ClusterClient}'s leader client)</td><td>none found</td>
 *       <td>3.3.0's client resends a request refused with {@code LeaderNotReadyException} on the gRPC stream that
 *       refusal ended: the resend fails unsent with {@code AlreadyClosedException}, so the first write after an
 *       election failed with 503</td>
 *       <td>the canary fails</td>
 *       <td>{@code NotReadyStreamResetTest.stockResendsOnTheStreamTheRefusalEnded}</td></tr>
 *   <tr><td>{@code io.raftlite.core.store.ClosedServerRestart} (in the store: it restarts the store's server)</td>
 *       <td>none found</td>
 *       <td>the log writer takes a write for an entry older than an installed snapshot and Ratis closes the
 *       server while the process runs</td>
 *       <td>a fault run (FaultIT, halves, snap variant) never logs "the Raft server was closed while the store
 *       runs" without it</td><td>none: not reproduced deterministically</td></tr>
 *   <tr><td>The stopping leader's choice of successor ({@code io.raftlite.core.store.LeadershipHandover}: a voter
 *       whose match index is known to reach the last entry first)</td>
 *       <td>RATIS-2605 (merged after 3.3.0: a heartbeat's success moves the follower's match index up to the
 *       heartbeat's previous entry)</td>
 *       <td>3.3.0 transfers leadership only to a follower whose match index reaches the leader's last entry, and
 *       heartbeat replies carry none: on an idle cluster a follower whose acknowledgement of that entry was lost
 *       (it was the previous leader, stopping) stays unknown however current its log, and a transfer to it
 *       waited out its 3 s (5 of 14 leader stops right after another node's restart)</td>
 *       <td>a Ratis with RATIS-2605 (the choice then costs nothing either way)</td>
 *       <td>none: staging it takes an acknowledgement lost after the follower wrote the entry;
 *       {@code LeadershipHandoverTest} covers the choice</td></tr>
 * </table>
 *
 * <p>Invariants: nothing here changes what goes on the wire (nodes with and without a workaround interoperate);
 * a workaround that cannot reach the Ratis internals it needs logs once and does nothing
 * ({@link io.raftlite.core.workaround.PeerProxyRefresh#SUPPORTED}); every class names its upstream issue and its
 * deletion condition in its javadoc.
 */
package io.raftlite.core.workaround;

/**
 * Cluster membership on top of the store's Ratis server: joining, {@code -bootstrap-expect}, moved and wiped
 * members, voter balancing, removal and reaping, stepdown. {@link io.raftlite.core.membership.Membership} is
 * the entry point; {@link io.raftlite.core.store.RaftStore} creates it with a
 * {@link io.raftlite.core.membership.Membership.Host} (the running server, restarts, in-process configuration
 * changes) and delegates its public membership methods to it. Every change is one compare-and-set
 * {@code setConfiguration} ({@link io.raftlite.core.membership.ConfChange}).
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Bootstrap and join.</b> The first node starts with {@code start(true)} (a one-node group). Any other
 *       node starts with {@code start(false)} (empty group, so it never campaigns before it is known) and calls
 *       {@code join}: {@code Joiner} reaches any member through a {@code RaftClient} whose peers have
 *       placeholder ids (Ratis routes client requests by group id only; the client follows NotLeaderException
 *       to the leader), reads the membership, picks its role (below) and sends the leader a join request
 *       ({@code JoinRequest}, a read-only Ratis message). The leader's {@code JoinQueue} folds the joins waiting
 *       at one moment into one {@code setConfiguration} in COMPARE_AND_SET mode against the leader's own
 *       configuration: every waiting listener, and as many voters as Ratis takes in one change (its
 *       {@code changeMajority} rule). A leader that cannot read a join request (an older version) fails it;
 *       the joiner then asks for the change itself, against the membership it read (a stale view fails and is
 *       retried). With node identities, {@code store.AdminGuard} lets a join request through only for the
 *       caller's own id. Never ADD: in
 *       Ratis (3.2.2 and 3.3.0) ADD drops every existing listener ({@code LeaderStateImpl.startSetConfiguration} takes the
 *       listeners from the request, not from the merged list); never the array overload, which drops the
 *       servers. Re-joining with the same id and address is accepted as is, in whatever role the member has
 *       now. A restarted node has state ({@code hasState()}) and recovers its membership from its own log
 *       instead of joining.</li>
 *   <li><b>Moved and wiped members</b> (rqlite's rule: the same id at a new address replaces the old entry).
 *       A joiner that does not see itself in a configuration yet and finds its id at another address, or at
 *       its own (its disk was wiped), makes one CAS change: the entry at its address, in its role, with its
 *       priority raised by one. Ratis compares members by id only and {@code hasNoChange} ignores addresses,
 *       so the priority is what makes it a change; the membership never shrinks, so the balancer has nothing
 *       to react to. Ratis (3.3.0) keeps one gRPC proxy per peer id with the first address it saw
 *       ({@code PeerProxyMap.computeIfAbsent}; nothing replaces an entry, and a restart replays every
 *       configuration in the log), and the leader keeps the old disk's match/commit/next index for the id. So
 *       after each configuration change, and every balance interval, every server's {@code PeerProxyRefresh}
 *       (reflection) renews the proxy of a member whose address changed and drops that of an id that left;
 *       on the leader it restarts the log appender of a moved or priority-raised member, after which the
 *       leader's balancer sets the priority back to 0 (raftlite uses no priorities otherwise). Refused: the
 *       old entry answering as the leader (that node runs), and any move when the reflection lookups fail on
 *       this Ratis (logged once; a wiped re-join is then accepted as is, as before).</li>
 *   <li><b>Bootstrap-expect.</b> {@code bootstrap} ({@link io.raftlite.core.membership.Bootstrapper}) runs on a node
 *       started with {@code start(false)}: its empty-group server answers a group-info request with no peers
 *       and its own id, which is how the waiting nodes find each other over Ratis RPCs. An existing group is
 *       always joined (or, when it already lists this node, adopted as the initial group: another node formed
 *       it with us). Otherwise, once this node and {@code expect} ids wait, the server restarts with the
 *       group computed from that set (sorted ids, the first odd number up to the voter cap as voters, the
 *       rest listeners). All nodes that saw the same set start with identical initial configurations, so one
 *       election makes one group; a node that restarted with a group persists it ({@code raft-meta.conf}) only
 *       when the leader's first configuration entry commits, so a crash before that simply bootstraps again
 *       and finds the group. A listener of that group that the leader reached before it restarted runs with
 *       the FOLLOWER role (Ratis never turns a server started outside the conf into a listener), so it still
 *       restarts, then starts from its log as a LISTENER. The set is the same everywhere only when
 *       {@code -join} lists exactly the N nodes (rqlite's rule, documented for operators).</li>
 *   <li><b>Roles.</b> Voters are kept at the largest odd number ≤ min(members, {@code maxVoters}); everyone
 *       else is a listener. A joiner becomes a voter iff the voters are fewer than that target for the grown
 *       membership and its vote makes their count odd or 2 (so a two-node cluster is one voter and one
 *       listener: two voters tolerate no failure either, and losing the listener costs nothing; and a fourth
 *       node beside three voters waits as a listener), else a listener; {@code nonVoter} forces listener. The choice
 *       is made before the join because a listener must restart its server first (next item). The leader's
 *       {@code VoterBalancer} (one thread, every {@code balanceInterval} and whenever a configuration entry is
 *       applied) then reaps, promotes the most advanced caught-up, recently heard listeners while voters are
 *       short, or demotes the least recently heard voter while there are too many, one CAS change at a time.
 *       Ratis refuses adding as many new voters as it keeps ({@code ConfChange.votersAddable}); a promotion
 *       takes as many as that allows and never leaves an even count but 2, so 3 → 5 is one change and only
 *       1 → 3 passes through 2; a voter lost in that window stalls the change (and the cluster) until it
 *       returns.
 *       A read replica ({@code -raft-non-voter}) says so in its node metadata, and the balancer never
 *       promotes a listener whose metadata says so or that does not answer. A demoted voter's Ratis server
 *       stays a FOLLOWER (Ratis only turns listeners into followers), and a follower whose election timer
 *       fires while it is not a voter shuts its server down ({@code LeaderElection}, NOT_IN_CONF); so a node
 *       that sees itself demoted in a settled configuration restarts its Ratis server in place, which then
 *       starts as a LISTENER from its own log.</li>
 *   <li><b>Removal and reaping.</b> {@code remove} works from any node: a CAS {@code setConfiguration} without
 *       the member, computed from this node's view and sent through a short-lived Raft client that follows
 *       NotLeader to the leader (the HTTP API is never used between nodes). An unknown id is NOT_FOUND, the only voter
 *       INVALID. Removing the leader first transfers leadership to another voter (bounded, best effort), then
 *       removes it; Ratis would also let a leader commit its own removal and step down, at the price of an
 *       election timeout. Reaping (off by default) removes members the leader has not heard from for longer
 *       than the role's timeout; the clock is Ratis' time since the member's last reply to this leader, so it
 *       restarts with every new leader (as in rqlite).</li>
 *   <li><b>Listeners.</b> In Ratis (3.2.2 and 3.3.0) a listener added to a server started with an empty group stays in STARTING
 *       (the leader never marks listeners caught up), so a fresh node joining as a listener first restarts its
 *       empty server with a group naming itself as a LISTENER; it then runs, and the leader's log replaces that
 *       configuration.</li>
 *   <li><b>Catch-up.</b> The leader's staging (catch-up gap 1000, staging timeout) makes {@code setConfiguration}
 *       wait for the new node; one far behind a purged log gets the leader's snapshot (see below). The staging
 *       timeout is raised to {@code applyTimeout} (the default, under a second, fails a change with NOPROGRESS
 *       while the new node installs a snapshot); the joiner retries a failed change anyway.</li>
 * </ul>
 */
package io.raftlite.core.membership;

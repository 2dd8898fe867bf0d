package io.raftlite.core.membership;

import io.raftlite.core.store.StoreConfig;
import io.raftlite.core.store.NodeMeta;
import io.raftlite.core.workaround.PeerProxyRefresh;

import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The leader's membership upkeep, run on one thread every {@code balanceInterval}; does nothing on other
 * nodes or while a reconfiguration is in progress. One change per run, in this order:
 * <ol>
 *   <li><b>Reset a priority</b>: raftlite gives every member priority 0; {@link Joiner} raises a member's to
 *       mark it as back with an empty disk (moved, or wiped), so that the leader's {@link PeerProxyRefresh}
 *       restarts its log appender. Once that is done ({@code renewed}), it is set back to 0: a raised priority
 *       would make Ratis hand leadership to that member whenever it is caught up.</li>
 *   <li><b>Reap</b>: remove a member the leader has not heard from for longer than its role's reap timeout
 *       (zero = never). The silence is Ratis' time since that member's last reply to this leader, so it
 *       restarts at zero under a new leader (as rqlite's does): set the timeouts on every node.</li>
 *   <li><b>Promote</b>: while voters are fewer than the target ({@link StoreConfig.Membership#targetVoters}),
 *       make the most advanced listeners voters (as many as one change may add) among those the leader heard
 *       from recently, whose commit index is within {@code maxLag} of the leader's and whose node metadata says
 *       they were not started as read replicas (an unreachable one is skipped).</li>
 *   <li><b>Demote</b>: while voters exceed the target (after a removal, or two racing joins), make the voter
 *       heard from least recently (never the leader) a listener.</li>
 * </ol>
 * Changes are compare-and-set against the configuration they were computed from, so a concurrent join or
 * removal makes one of them fail and the next run recomputes. A promotion takes as many listeners as the target
 * lacks, up to what Ratis accepts in one change (fewer new voters than old ones, or one beside a lone voter),
 * and never leaves an even number of voters but the 2 between a lone voter and 3: 3 voters become 5 at once.
 */
public final class VoterBalancer implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(VoterBalancer.class);
    private static final long NON_VOTER_CACHE_NANOS = Duration.ofMinutes(1).toNanos();

    /** A compare-and-set change of the configuration, on this (leader) server; blocks until it is committed. */
    @FunctionalInterface
    interface Reconfigure {
        void apply(List<RaftPeer> oldVoters, List<RaftPeer> oldListeners, List<RaftPeer> voters, List<RaftPeer> listeners)
                throws Exception;
    }

    /** The metadata of one member, or empty when it does not answer. */
    @FunctionalInterface
    interface MetaLookup {
        Optional<NodeMeta> meta(String nodeId);
    }

    private final Supplier<RaftServer.Division> division;
    private final Reconfigure reconfigure;
    private final MetaLookup metas;
    private final StoreConfig.Membership settings;
    private final Duration recentContact;
    private final long maxLag;
    private final Map<RaftPeerId, Long> knownNonVoters = new ConcurrentHashMap<>();
    private final Predicate<RaftPeerId> renewed;

    VoterBalancer(Supplier<RaftServer.Division> division, Reconfigure reconfigure, MetaLookup metas,
                  StoreConfig.Membership settings, Duration recentContact, long maxLag, Predicate<RaftPeerId> renewed) {
        this.division = division;
        this.reconfigure = reconfigure;
        this.metas = metas;
        this.settings = settings;
        this.recentContact = recentContact;
        this.maxLag = maxLag;
        this.renewed = renewed;
    }

    @Override
    public void run() {
        try {
            balanceOnce();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) { // a failed change (lost leadership, CAS mismatch) is retried on the next run
            LOG.debug("membership upkeep failed: {}", e.toString());
        }
    }

    /** One run; returns what it changed, or null (for tests). */
    String balanceOnce() throws Exception {
        RaftServer.Division d = division.get();
        if (d == null || !d.getInfo().isLeader()) {
            return null;
        }
        RaftConfiguration conf = d.getRaftConf();
        if (!conf.getPreviousPeers(RaftPeerRole.FOLLOWER).isEmpty()
                || !conf.getPreviousPeers(RaftPeerRole.LISTENER).isEmpty()) {
            return null; // joint consensus in progress
        }
        List<RaftPeer> voters = new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.FOLLOWER));
        List<RaftPeer> listeners = new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.LISTENER));
        Map<RaftPeerId, Long> silentMs = silence(d.getInfo().getRoleInfoProto());
        RaftPeerId self = d.getId();

        Optional<RaftPeer> raised = voters.stream().filter(p -> p.getPriority() != 0).findFirst()
                .or(() -> listeners.stream().filter(p -> p.getPriority() != 0).findFirst())
                .filter(p -> renewed.test(p.getId()));
        if (raised.isPresent()) {
            RaftPeer p = raised.get();
            LOG.info("resetting the priority {} of {} to 0", p.getPriority(), p.getId());
            RaftPeer reset = RaftPeer.newBuilder(p).setPriority(0).build();
            apply(voters, listeners, ConfChange.replaced(voters, reset), ConfChange.replaced(listeners, reset));
            return "reset the priority of " + p.getId();
        }

        Optional<RaftPeer> reap = reapable(voters, settings.reapVoters(), silentMs, self)
                .or(() -> reapable(listeners, settings.reapListeners(), silentMs, self));
        if (reap.isPresent()) {
            RaftPeer gone = reap.get();
            LOG.warn("reaping {} at {}: not heard from for {} ms", gone.getId(), gone.getAddress(), silentMs.get(gone.getId()));
            apply(voters, listeners, without(voters, gone), without(listeners, gone));
            return "reaped " + gone.getId();
        }

        int target = settings.targetVoters(voters.size() + listeners.size());
        if (voters.size() < target) {
            List<RaftPeer> ready = promotable(d, listeners, silentMs, promotions(voters.size(), target, listeners.size()));
            List<RaftPeer> promote = ready.subList(0, promotions(voters.size(), target, ready.size()));
            if (!promote.isEmpty()) {
                LOG.info("promoting listener{} {} to voter{} (voters {}, listeners {}, target {})",
                        promote.size() > 1 ? "s" : "", ids(promote), promote.size() > 1 ? "s" : "", ids(voters),
                        ids(listeners), target);
                List<RaftPeer> newVoters = new ArrayList<>(voters);
                List<RaftPeer> newListeners = listeners;
                for (RaftPeer p : promote) {
                    newVoters.add(RaftPeer.newBuilder(p).setStartupRole(RaftPeerRole.FOLLOWER).build());
                    newListeners = without(newListeners, p);
                }
                apply(voters, listeners, newVoters, newListeners);
                return "promoted " + String.join(", ", ids(promote));
            }
        } else if (voters.size() > target) {
            Optional<RaftPeer> demote = voters.stream().filter(p -> !p.getId().equals(self))
                    .max(Comparator.comparingLong(p -> silentMs.getOrDefault(p.getId(), Long.MAX_VALUE)));
            if (demote.isPresent()) {
                RaftPeer p = demote.get();
                LOG.info("demoting voter {} to listener (voters {}, listeners {}, target {})", p.getId(), ids(voters),
                        ids(listeners), target);
                List<RaftPeer> newListeners = new ArrayList<>(listeners);
                newListeners.add(RaftPeer.newBuilder(p).setStartupRole(RaftPeerRole.LISTENER).build());
                apply(voters, listeners, without(voters, p), newListeners);
                return "demoted " + p.getId();
            }
        }
        return null;
    }

    private void apply(List<RaftPeer> oldVoters, List<RaftPeer> oldListeners, List<RaftPeer> voters,
                       List<RaftPeer> listeners) throws Exception {
        reconfigure.apply(List.copyOf(oldVoters), List.copyOf(oldListeners), voters, listeners);
    }

    /** How long ago the leader last heard from each other member (Ratis' appender view). */
    private static Map<RaftPeerId, Long> silence(RoleInfoProto role) {
        Map<RaftPeerId, Long> silent = new HashMap<>();
        if (role.hasLeaderInfo()) {
            role.getLeaderInfo().getFollowerInfoList().forEach(f ->
                    silent.put(RaftPeerId.valueOf(f.getId().getId()), f.getLastRpcElapsedTimeMs()));
        }
        return silent;
    }

    private static Optional<RaftPeer> reapable(List<RaftPeer> peers, Duration timeout, Map<RaftPeerId, Long> silentMs,
                                               RaftPeerId self) {
        if (timeout.isZero()) {
            return Optional.empty();
        }
        return peers.stream().filter(p -> !p.getId().equals(self))
                .filter(p -> silentMs.containsKey(p.getId()) && silentMs.get(p.getId()) > timeout.toMillis())
                .findFirst();
    }

    /**
     * How many of {@code ready} promotable listeners one run promotes towards {@code target} voters: as many as
     * are missing, up to what one change may add ({@link ConfChange#votersAddable}), and never to an even number
     * of voters (it tolerates no more failures than the odd number below it and needs one more acknowledgement)
     * except 2 on the way from a lone voter, which Ratis requires. So 3 voters become 5 in one change, or stay 3
     * while only one listener is ready; 1 becomes 3 through 2.
     */
    static int promotions(int voters, int target, int ready) {
        int n = Math.min(ready, Math.min(target - voters, ConfChange.votersAddable(voters)));
        if (voters > 1 && (voters + n) % 2 == 0) {
            n--;
        }
        return Math.max(0, n);
    }

    /** Up to {@code max} caught-up, recently heard, promotable listeners, highest commit index first. */
    private List<RaftPeer> promotable(RaftServer.Division d, List<RaftPeer> listeners, Map<RaftPeerId, Long> silentMs,
                                      int max) {
        Map<RaftPeerId, Long> commits = new HashMap<>();
        for (CommitInfoProto c : d.getCommitInfos()) {
            commits.put(RaftPeerId.valueOf(c.getServer().getId()), c.getCommitIndex());
        }
        long leaderCommit = d.getRaftLog().getLastCommittedIndex();
        return listeners.stream()
                .filter(p -> silentMs.getOrDefault(p.getId(), Long.MAX_VALUE) <= recentContact.toMillis())
                .filter(p -> commits.getOrDefault(p.getId(), -1L) >= leaderCommit - maxLag)
                .sorted(Comparator.comparingLong((RaftPeer p) -> commits.getOrDefault(p.getId(), -1L)).reversed())
                .filter(this::mayVote)
                .limit(max)
                .toList();
    }

    /** False for a node started as a read replica (remembered for a minute) or one that does not answer. */
    private boolean mayVote(RaftPeer p) {
        Long until = knownNonVoters.get(p.getId());
        if (until != null && System.nanoTime() - until < 0) {
            return false;
        }
        Optional<NodeMeta> meta = metas.meta(p.getId().toString());
        if (meta.isPresent() && meta.get().nonVoter()) {
            knownNonVoters.put(p.getId(), System.nanoTime() + NON_VOTER_CACHE_NANOS);
        }
        return meta.isPresent() && !meta.get().nonVoter();
    }

    private static List<String> ids(List<RaftPeer> peers) {
        return peers.stream().map(p -> p.getId().toString()).toList();
    }

    private static List<RaftPeer> without(List<RaftPeer> peers, RaftPeer gone) {
        return peers.stream().filter(p -> !p.getId().equals(gone.getId())).toList();
    }
}

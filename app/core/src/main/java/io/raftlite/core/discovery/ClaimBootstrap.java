package io.raftlite.core.discovery;

import io.raftlite.discovery.Claim;
import io.raftlite.discovery.ClusterRecord;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryException;
import io.raftlite.discovery.Member;
import io.raftlite.discovery.StoredRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Forms or joins the cluster through a check-and-set discovery store (Consul KV, etcd), for a node with
 * no Raft state. The loop: read the key; a FORMED record is joined through its leader, then its other
 * members; a CLAIMED one means another node is forming, so wait; no record means try to claim it. The
 * claim's winner forms a group alone, and only once it leads that group turns its claim into a FORMED
 * record by check-and-set ({@link Claim#form}); a winner whose claim expired meanwhile forgets its group
 * and starts over, so a key never gets two clusters. The claim is renewed while the group forms; if the
 * winner dies the claim expires and another node wins.
 */
public final class ClaimBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimBootstrap.class);

    /** What the bootstrap needs from the local node. */
    public interface Node {
        /** This node as a record names it. */
        Member self();

        /**
         * Starts the server (or restarts it, when {@link #prepareToJoin} started it empty) as the only member
         * of a new group.
         */
        void formAlone() throws IOException;

        boolean isLeader();

        /** Joins the group through any of these Raft addresses within {@code timeout}; throws on failure. */
        void join(List<String> raftAddresses, Duration timeout) throws IOException, InterruptedException;

        /** Forgets the group formed alone (its claim was lost) and is a fresh, empty node again. */
        void forgetGroup() throws IOException;

        /**
         * Called whenever this node is about to wait for another node's cluster, or to join one: the node's Raft
         * server must be up, empty and joinable by the time that cluster has formed. The server's discovery
         * starts it empty beside the claim ({@code Discovery.EarlyStart}), so here it only waits for that start,
         * and {@link #formAlone} restarts it with the new group; a node that left its server down until it knew
         * its part would start it here, and a winner would start it directly in {@link #formAlone}. Default:
         * nothing.
         */
        default void prepareToJoin() throws IOException {
        }
    }

    /**
     * @param claimTtl      how long a claim lives without renewal (the wait when a winner dies)
     * @param retryInterval the pause between reads while another node forms, and the backoff's base
     * @param maxBackoff    the longest pause while the store is down or a join fails
     * @param joinAttempt   how long one join attempt may take before the record is read again
     */
    public record Timing(Duration claimTtl, Duration retryInterval, Duration maxBackoff, Duration joinAttempt) {
        /**
         * A 100 ms read interval (±50 %): the nodes that lost the claim see the winner's FORMED record about
         * 50 ms after it is written (0.1 s at 200 ms, 0.25 s at 500 ms), for 10 reads a second per waiting node
         * while a cluster forms (about a second; 500 a second from 50 nodes started at once, for that second).
         * Failures still back off exponentially, to 5 s.
         */
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(10), Duration.ofMillis(100),
                Duration.ofSeconds(5), Duration.ofSeconds(20));
    }

    private final DiscoveryClient client;
    private final Node node;
    private final Timing timing;
    private final DiscoveryTracker tracker;
    private final boolean mayClaim;
    private final Runnable afterClaim;

    /**
     * @param mayClaim   false for a read replica ({@code -raft-non-voter}), which only ever joins a formed cluster
     * @param afterClaim runs right after a claim is won (tests pause here to kill the winner); normally a no-op
     */
    public ClaimBootstrap(DiscoveryClient client, Node node, Timing timing, DiscoveryTracker tracker,
                          boolean mayClaim, Runnable afterClaim) {
        if (!client.checkAndSet()) {
            throw new IllegalArgumentException(client.mode() + " has no check-and-set; use AddressBootstrap");
        }
        this.client = client;
        this.node = node;
        this.timing = timing;
        this.tracker = tracker;
        this.mayClaim = mayClaim;
        this.afterClaim = afterClaim;
    }

    /**
     * Returns once this node formed the cluster or joined it; waits as long as it takes (rqlite's rule: a
     * discovery store that is down, or a record whose members never answer, is waited out, and said in the
     * log once).
     *
     * @return the FORMED record this node formed or joined through
     */
    public ClusterRecord run() throws InterruptedException, IOException {
        Backoff backoff = new Backoff(timing.retryInterval(), timing.maxBackoff());
        while (true) {
            Optional<StoredRecord> read;
            try {
                read = client.read();
                tracker.contact(read.map(StoredRecord::record).orElse(null));
            } catch (DiscoveryException e) {
                tracker.failure(e);
                backoff.pause();
                continue;
            }
            if (read.isEmpty() && !mayClaim) {
                tracker.state("read replica: waiting for a cluster to form under key '" + client.key() + "'");
                node.prepareToJoin();
                Backoff.sleepJittered(timing.retryInterval());
                continue;
            }
            if (read.isEmpty()) {
                ClusterRecord won = tryToClaim(backoff);
                if (won != null) {
                    return won;
                }
                continue;
            }
            ClusterRecord r = read.get().record();
            if (r.state() == ClusterRecord.State.CLAIMED) {
                tracker.state("waiting for " + describe(r.leader()) + " to form cluster " + r.clusterId()
                        + " (its claim expires unless it does)");
                node.prepareToJoin();
                Backoff.sleepJittered(timing.retryInterval());
                continue;
            }
            List<String> targets = joinTargets(r);
            if (targets.isEmpty()) {
                tracker.state("key '" + client.key() + "' names cluster " + r.clusterId() + " whose only member is this"
                        + " node, which has no Raft state: the record is stale. If that cluster was wiped on purpose,"
                        + " clear the record with -disco-reset");
                backoff.pause();
                continue;
            }
            tracker.state("joining cluster " + r.clusterId() + " through " + targets);
            try {
                node.prepareToJoin();
                node.join(targets, timing.joinAttempt());
                tracker.state("joined cluster " + r.clusterId());
                return r;
            } catch (RuntimeException e) {
                tracker.state("cannot join cluster " + r.clusterId() + " through " + targets + " (" + e.getMessage()
                        + "); retrying. If that cluster was wiped on purpose, clear its record with -disco-reset");
                backoff.pause();
            }
        }
    }

    /** The leader first, then the other members, never this node's own address; no duplicates. */
    private List<String> joinTargets(ClusterRecord r) {
        List<String> targets = new ArrayList<>();
        List<Member> ordered = new ArrayList<>();
        ordered.add(r.leader());
        ordered.addAll(r.members());
        Member self = node.self();
        for (Member m : ordered) {
            boolean mine = m.raftAddress().equals(self.raftAddress()) || self.id().equals(m.id());
            if (!mine && !targets.contains(m.raftAddress())) {
                targets.add(m.raftAddress());
            }
        }
        return targets;
    }

    /** Tries to win the key; the FORMED record when this node won and formed, null to read again. */
    private ClusterRecord tryToClaim(Backoff backoff) throws InterruptedException, IOException {
        String clusterId = UUID.randomUUID().toString();
        Optional<Claim> claim;
        try {
            claim = client.claim(ClusterRecord.claimed(clusterId, node.self(), System.currentTimeMillis()),
                    timing.claimTtl());
        } catch (DiscoveryException e) {
            tracker.failure(e);
            backoff.pause();
            return null;
        }
        if (claim.isEmpty()) {
            return null; // someone else was quicker: read whose claim it is
        }
        tracker.state("claimed key '" + client.key() + "' for new cluster " + clusterId + "; forming it");
        afterClaim.run();
        ClusterRecord formed = formAsWinner(claim.get(), clusterId);
        if (formed == null) {
            LOG.warn("the claim on key '{}' was lost before cluster {} formed: forgetting the group formed alone"
                    + " and starting over, so that the key never gets two clusters", client.key(), clusterId);
            node.forgetGroup();
        }
        return formed;
    }

    private ClusterRecord formAsWinner(Claim claim, String clusterId) throws InterruptedException, IOException {
        ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "discovery-claim-renewer");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(100, timing.claimTtl().toMillis() / 3);
        renewer.scheduleWithFixedDelay(() -> renew(claim), period, period, TimeUnit.MILLISECONDS);
        try {
            node.formAlone();
            long deadline = System.nanoTime() + timing.claimTtl().multipliedBy(3).toNanos();
            while (!node.isLeader()) {
                if (System.nanoTime() > deadline) {
                    claim.abandon();
                    return null;
                }
                Thread.sleep(20);
            }
        } finally {
            renewer.shutdownNow();
        }
        ClusterRecord formed = ClusterRecord.formed(clusterId, node.self(), List.of(node.self()),
                System.currentTimeMillis());
        return confirm(claim, formed);
    }

    /**
     * Turns the claim into the FORMED record. When the store does not answer the outcome is unknown, so
     * the record is read back: ours and FORMED means it worked, ours and still CLAIMED means try again,
     * anything else means the claim is lost. Gives up (claim lost) once a TTL has passed without an answer.
     */
    private ClusterRecord confirm(Claim claim, ClusterRecord formed) throws InterruptedException {
        Backoff backoff = new Backoff(timing.retryInterval(), timing.maxBackoff());
        long deadline = System.nanoTime() + timing.claimTtl().toNanos();
        while (System.nanoTime() < deadline) {
            try {
                StoredRecord stored = claim.form(formed);
                tracker.contact(stored == null ? null : stored.record());
                if (stored != null) {
                    tracker.state("formed cluster " + formed.clusterId());
                }
                return stored == null ? null : stored.record();
            } catch (DiscoveryException e) {
                tracker.failure(e);
            }
            backoff.pause();
            try {
                Optional<StoredRecord> now = client.read();
                tracker.contact(now.map(StoredRecord::record).orElse(null));
                if (now.isEmpty() || !formed.clusterId().equals(now.get().record().clusterId())) {
                    return null;
                }
                if (now.get().record().state() == ClusterRecord.State.FORMED) {
                    tracker.state("formed cluster " + formed.clusterId());
                    return now.get().record();
                }
            } catch (DiscoveryException e) {
                tracker.failure(e);
            }
        }
        claim.abandon();
        return null;
    }

    private void renew(Claim claim) {
        try {
            if (!claim.renew()) {
                LOG.warn("the claim on key '{}' expired while the cluster was forming", client.key());
            }
        } catch (DiscoveryException e) {
            tracker.failure(e);
        } catch (RuntimeException e) {
            LOG.warn("renewing the claim on key '{}' failed: {}", client.key(), e.toString());
        }
    }

    private static String describe(Member m) {
        return m.id() == null ? m.raftAddress() : m.id() + " (" + m.raftAddress() + ")";
    }
}

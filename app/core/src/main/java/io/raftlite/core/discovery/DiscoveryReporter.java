package io.raftlite.core.discovery;

import io.raftlite.discovery.Claim;
import io.raftlite.discovery.ClusterRecord;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryException;
import io.raftlite.discovery.Member;
import io.raftlite.discovery.StoredRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Keeps the FORMED record true while the node runs (issue 4, rule 3): the leader rewrites it, by
 * check-and-set on the version it read, as soon as it becomes leader, whenever the membership changes and
 * every report interval. Other nodes only read it now and then, so {@code /status} shows a recent contact.
 * A record that belongs to another cluster (none of its members is ours and its cluster id is not the one
 * this node formed or joined) is left alone and reported; a missing record (an operator cleared it while
 * the cluster lives) is created again by claim and form. Call {@link #run()} about once a second.
 */
public final class DiscoveryReporter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryReporter.class);

    /** What the reporter needs from the cluster. */
    public interface Cluster {
        boolean isLeader();

        Member self();

        /** Every member (voters and listeners), with API addresses where known. */
        List<Member> members();
    }

    private final DiscoveryClient client;
    private final Cluster cluster;
    private final DiscoveryTracker tracker;
    private final Duration interval;
    private String clusterId;
    private boolean wasLeader;
    private List<Member> lastMembers = List.of();
    private long lastWriteNanos;
    private long lastReadNanos;

    /**
     * @param clusterId the id of the cluster this node formed or joined in this run, or null when it
     *                  recovered from its own state (then the record's id is adopted if it lists a member)
     */
    public DiscoveryReporter(DiscoveryClient client, Cluster cluster, DiscoveryTracker tracker, Duration interval,
                             String clusterId) {
        this.client = client;
        this.cluster = cluster;
        this.tracker = tracker;
        this.interval = interval;
        this.clusterId = clusterId;
    }

    @Override
    public synchronized void run() {
        try {
            report();
        } catch (DiscoveryException e) {
            tracker.failure(e);
            lastWriteNanos = 0; // try again on the next tick
        } catch (RuntimeException e) {
            LOG.warn("discovery report failed: {}", e.toString());
        }
    }

    private void report() throws DiscoveryException {
        long now = System.nanoTime();
        if (!cluster.isLeader()) {
            wasLeader = false;
            if (now - lastReadNanos >= interval.toNanos()) {
                lastReadNanos = now;
                tracker.contact(client.read().map(StoredRecord::record).orElse(null));
            }
            return;
        }
        List<Member> members = cluster.members();
        boolean due = !wasLeader || !members.equals(lastMembers) || now - lastWriteNanos >= interval.toNanos();
        if (!due) {
            return;
        }
        Optional<StoredRecord> read = client.read();
        lastReadNanos = now;
        Member self = cluster.self();
        if (read.isEmpty()) {
            String id = clusterId != null ? clusterId : UUID.randomUUID().toString();
            Optional<Claim> claim = client.claim(ClusterRecord.claimed(id, self, System.currentTimeMillis()),
                    Duration.ofSeconds(10));
            if (claim.isPresent() && claim.get().form(formed(id, self, members)) != null) {
                clusterId = id;
                LOG.warn("the record under key '{}' was missing while cluster {} runs: wrote it again", client.key(), id);
                written(members, now);
                tracker.contact(formed(id, self, members));
            }
            return;
        }
        ClusterRecord r = read.get().record();
        tracker.contact(r);
        if (!ours(r, members)) {
            tracker.state("key '" + client.key() + "' holds the record of another cluster (" + r.clusterId()
                    + ", " + r.state().name().toLowerCase() + "); this cluster (" + clusterId + ") leaves it alone");
            return;
        }
        clusterId = r.clusterId();
        ClusterRecord updated = formed(clusterId, self, members);
        if (client.replace(updated, read.get().version())) {
            if (!wasLeader || !members.equals(lastMembers)) {
                tracker.state("leader: record of cluster " + clusterId + " names this node and " + members.size()
                        + " member" + (members.size() == 1 ? "" : "s"));
            }
            written(members, now);
            tracker.contact(updated);
        }
    }

    private void written(List<Member> members, long now) {
        wasLeader = true;
        lastMembers = members;
        lastWriteNanos = now;
    }

    private boolean ours(ClusterRecord r, List<Member> members) {
        if (clusterId != null) {
            return clusterId.equals(r.clusterId());
        }
        if (r.state() != ClusterRecord.State.FORMED) {
            return false;
        }
        Set<String> ids = members.stream().map(Member::id).filter(Objects::nonNull).collect(Collectors.toSet());
        return r.members().stream().map(Member::id).anyMatch(ids::contains);
    }

    private static ClusterRecord formed(String id, Member self, List<Member> members) {
        return ClusterRecord.formed(id, self, members, System.currentTimeMillis());
    }
}

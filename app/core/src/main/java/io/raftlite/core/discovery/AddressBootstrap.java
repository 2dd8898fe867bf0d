package io.raftlite.core.discovery;

import io.raftlite.discovery.ClusterRecord;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryException;
import io.raftlite.discovery.Member;
import io.raftlite.discovery.StoredRecord;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Forms or joins the cluster through an address-list store (DNS), for a node with no Raft state: waits
 * until at least {@code expect} addresses resolve, then hands them to {@code -bootstrap-expect}'s
 * deterministic formation (join an existing cluster first; otherwise every node computes the same initial
 * group). DNS has no check-and-set, so this is only as safe as the answers are consistent across nodes
 * (see the DNS provider's package notes).
 */
public final class AddressBootstrap {

    /** What the bootstrap needs from the local node: {@code -bootstrap-expect} over these addresses. */
    public interface Node {
        void bootstrap(List<String> raftAddresses, int expect, Duration timeout) throws IOException, InterruptedException;
    }

    private final DiscoveryClient client;
    private final Node node;
    private final DiscoveryTracker tracker;
    private final Duration interval;

    public AddressBootstrap(DiscoveryClient client, Node node, DiscoveryTracker tracker, Duration interval) {
        this.client = client;
        this.node = node;
        this.tracker = tracker;
        this.interval = interval;
    }

    /**
     * @throws IllegalStateException "bootstrap-expect N: only k addresses resolved ..." when {@code timeout}
     *                               passes first
     */
    public void run(int expect, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Backoff backoff = new Backoff(interval, interval.multipliedBy(4));
        int found = 0;
        while (true) {
            try {
                Optional<StoredRecord> read = client.read();
                ClusterRecord r = read.map(StoredRecord::record).orElse(null);
                tracker.contact(r);
                List<String> addresses = r == null ? List.of() : r.members().stream().map(Member::raftAddress).toList();
                found = addresses.size();
                if (found >= expect) {
                    tracker.state(found + " addresses resolved; joining or forming the cluster with " + addresses);
                    node.bootstrap(addresses, expect, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                    tracker.state("in the cluster");
                    return;
                }
                tracker.state("waiting for " + expect + " addresses via " + client.mode() + ", " + found + " resolved");
                backoff.reset();
            } catch (DiscoveryException e) {
                tracker.failure(e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("bootstrap-expect " + expect + ": only " + found + " addresses resolved via "
                        + client.mode() + " within " + timeout.toSeconds() + "s");
            }
            backoff.pause();
        }
    }
}

package io.raftlite.server;

import io.raftlite.core.store.RaftStore;
import io.raftlite.core.store.StoreException;
import io.raftlite.core.store.StoreNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * rqlite's {@code -raft-cluster-remove-shutdown}: on a graceful stop the node removes itself from the cluster
 * through the leader before its store closes, as rqlite's {@code cluster.Remover} does (5 attempts, 250 ms apart,
 * each bounded by 5 s, all of it by rqlite's 10 s shutdown timeout, so a stop stays within systemd's 30 s). The last voter does not remove itself (the group would have nobody to commit anything),
 * and a failure is logged: the node stops anyway.
 */
final class RemoveOnShutdown {

    private static final Logger LOG = LoggerFactory.getLogger(RemoveOnShutdown.class);

    static final int ATTEMPTS = 5;
    static final Duration DELAY = Duration.ofMillis(250);
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final Duration OVERALL = Duration.ofSeconds(10);

    private RemoveOnShutdown() {
    }

    /** Removes {@code selfId} through the leader; returns whether it is no longer a member. */
    static boolean run(RaftStore store, String selfId) {
        List<StoreNode> nodes;
        try {
            nodes = store.nodes();
        } catch (StoreException e) { // the store never started (a failed start is being cleaned up)
            return false;
        }
        boolean voter = nodes.stream().anyMatch(n -> n.id().equals(selfId) && n.voter());
        if (nodes.stream().noneMatch(n -> n.id().equals(selfId))) {
            LOG.info("-raft-cluster-remove-shutdown: {} is not a member; nothing to remove", selfId);
            return true;
        }
        if (voter && nodes.stream().filter(StoreNode::voter).count() == 1) {
            LOG.warn("-raft-cluster-remove-shutdown: {} is the cluster's last voter; it stays a member"
                    + " (removing it would leave nobody to commit anything)", selfId);
            return false;
        }
        long deadline = System.nanoTime() + OVERALL.toNanos();
        for (int attempt = 1; attempt <= ATTEMPTS && System.nanoTime() < deadline; attempt++) {
            try {
                store.remove(selfId, Duration.ofNanos(Math.max(1_000_000, Math.min(TIMEOUT.toNanos(), deadline - System.nanoTime()))));
                LOG.info("-raft-cluster-remove-shutdown: removed {} from the cluster", selfId);
                return true;
            } catch (StoreException e) {
                if (e.reason() == StoreException.Reason.NOT_FOUND) {
                    return true;
                }
                LOG.warn("-raft-cluster-remove-shutdown: attempt {} of {} to remove {} failed: {}", attempt, ATTEMPTS,
                        selfId, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            try {
                Thread.sleep(DELAY.toMillis()); // rqlite's fixed retry delay
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        LOG.warn("-raft-cluster-remove-shutdown: {} is still a member (no leader took the change within {} s);"
                + " stopping anyway", selfId, OVERALL.toSeconds());
        return false;
    }
}

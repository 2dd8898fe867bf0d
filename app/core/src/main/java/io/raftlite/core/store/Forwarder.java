package io.raftlite.core.store;

import io.raftlite.core.membership.ConfChange;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what this node cannot serve itself to the leader (or, for the node-metadata RPC, to one member)
 * through the {@link ClusterClient}, over the current configuration, and maps failures to
 * {@link StoreException}: no leader known here → NO_LEADER at once; no answer within the apply timeout →
 * TIMEOUT; anything else → UNAVAILABLE (or NO_LEADER if the leader was lost meanwhile).
 *
 * <p>A request forwarded to a leader that this node then learns was replaced ({@link #leaderChanged}) fails at
 * once with NO_LEADER, its outcome unknown ({@link ForwardsInFlight}). Expected failures are logged as one line
 * without a stack trace, at most one a second.
 */
final class Forwarder implements AutoCloseable {

    /** One request through the cluster client: the members and the leader to try first. */
    @FunctionalInterface
    interface Forward {
        CompletableFuture<byte[]> send(ClusterClient client, List<RaftPeer> peers, RaftPeerId leader);
    }

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ClusterClient client;
    private final ForwardsInFlight inFlight = new ForwardsInFlight();
    private final Object logLock = new Object();
    private long lastLogged = System.nanoTime() - LOG_INTERVAL_NANOS;
    private int unlogged;
    private final Supplier<RaftServer.Division> division;
    private final Duration timeout;

    Forwarder(ClusterClient client, Supplier<RaftServer.Division> division, Duration timeout) {
        this.client = client;
        this.division = division;
        this.timeout = timeout;
    }

    /** Forwards when the local attempt failed only because this node is not the leader. */
    CompletableFuture<byte[]> ifNotLeader(Throwable t, Forward call) {
        Throwable c = RaftReplies.unwrap(t);
        if (c instanceof StoreException s && s.reason() == StoreException.Reason.NOT_LEADER) {
            return toLeader(call);
        }
        return CompletableFuture.failedFuture(c);
    }

    /** Runs {@code call} against the current configuration with the known leader as the first target. */
    CompletableFuture<byte[]> toLeader(Forward call) {
        RaftServer.Division d = division.get();
        if (d == null) {
            return CompletableFuture.failedFuture(
                    new StoreException(StoreException.Reason.UNAVAILABLE, "store is not running", null));
        }
        RaftPeerId leader = d.getInfo().getLeaderId();
        if (leader == null) {
            return CompletableFuture.failedFuture(
                    new StoreException(StoreException.Reason.NO_LEADER, "leader not found", null));
        }
        CompletableFuture<byte[]> result = inFlight.track(leader);
        RaftPeerId now = d.getInfo().getLeaderId();
        if (now != null && !now.equals(leader)) { // replaced before the request was tracked
            leaderChanged(now);
        }
        CompletableFuture<byte[]> reply;
        try {
            reply = call.send(client, ConfChange.members(d), leader);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((bytes, t) -> {
            if (t == null) {
                result.complete(bytes);
            } else if (!result.isDone()) {
                result.completeExceptionally(failure(leader, t));
            }
        });
        return result;
    }

    /**
     * This node learnt that {@code newLeader} leads: every request forwarded to another leader fails now (its
     * outcome unknown to its caller) instead of waiting for an answer that a deposed leader may never send.
     */
    void leaderChanged(RaftPeerId newLeader) {
        int failed = inFlight.leaderChanged(newLeader);
        if (failed > 0) {
            logExpected(new StoreException(StoreException.Reason.NO_LEADER, "leader changed to " + newLeader + ": "
                    + failed + " request(s) forwarded to the old leader failed, their outcome unknown", null));
        }
    }

    /** The metadata of member {@code nodeId}: a stale read addressed to that server. */
    CompletableFuture<NodeMeta> nodeMeta(String nodeId, Duration metaTimeout) {
        RaftServer.Division d = division.get();
        RaftPeerId target = RaftPeerId.valueOf(nodeId);
        if (d == null || d.getRaftConf().getPeer(target, RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER) == null) {
            return CompletableFuture.failedFuture(new StoreException(StoreException.Reason.UNAVAILABLE,
                    d == null ? "store is not running" : "no member " + nodeId, null));
        }
        CompletableFuture<byte[]> reply;
        try {
            reply = client.staleRead(ConfChange.members(d), target, NodeMeta.request());
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.thenApply(NodeMeta::decode).orTimeout(metaTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(t -> CompletableFuture.failedFuture(new StoreException(
                        StoreException.Reason.UNAVAILABLE, "node " + nodeId + " unreachable: "
                        + RaftReplies.unwrap(t), t)));
    }

    private RuntimeException failure(RaftPeerId leader, Throwable t) {
        RuntimeException mapped = RaftReplies.toFailure(t);
        StoreException e;
        if (mapped instanceof StoreException s) {
            e = s;
        } else {
            RaftServer.Division d = division.get();
            e = d == null || d.getInfo().getLeaderId() == null
                    ? new StoreException(StoreException.Reason.NO_LEADER, "leader not found: " + mapped.getMessage(), t)
                    : new StoreException(StoreException.Reason.UNAVAILABLE,
                    "forwarding to the leader failed: " + mapped.getMessage(), t);
        }
        logExpected(new StoreException(e.reason(), "forwarding to " + leader + " failed: " + e.getMessage(), null));
        return e;
    }

    /** One line without a stack trace, at most one a second; the lines skipped meanwhile are counted. */
    private void logExpected(StoreException e) {
        int skipped;
        synchronized (logLock) {
            long now = System.nanoTime();
            if (now - lastLogged < LOG_INTERVAL_NANOS) {
                unlogged++;
                return;
            }
            lastLogged = now;
            skipped = unlogged;
            unlogged = 0;
        }
        LOG.warn("{} ({}){}", e.getMessage(), e.reason(), skipped == 0 ? "" : " (+" + skipped + " more since the last line)");
    }

    @Override
    public void close() {
        client.close();
    }
}

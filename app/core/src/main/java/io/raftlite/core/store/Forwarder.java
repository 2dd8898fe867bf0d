package io.raftlite.core.store;

import io.raftlite.core.membership.ConfChange;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Sends what this node cannot serve itself to the leader (or, for the node-metadata RPC, to one member)
 * through the {@link ClusterClient}, over the current configuration, and maps failures to
 * {@link StoreException}: no leader known here → NO_LEADER at once; no answer within the apply timeout →
 * TIMEOUT; anything else → UNAVAILABLE (or NO_LEADER if the leader was lost meanwhile).
 */
final class Forwarder implements AutoCloseable {

    /** One request through the cluster client: the members and the leader to try first. */
    @FunctionalInterface
    interface Forward {
        CompletableFuture<byte[]> send(ClusterClient client, List<RaftPeer> peers, RaftPeerId leader);
    }

    private final ClusterClient client;
    private final Supplier<RaftServer.Division> division;
    private final Duration timeout;

    Forwarder(ClusterClient client, Supplier<RaftServer.Division> division, Duration timeout) {
        this.client = client;
        this.division = division;
        this.timeout = timeout;
    }

    /** Forwards when the local attempt failed only because this node is not the leader. */
    CompletableFuture<byte[]> ifNotLeader(Throwable t, Forward call) {
        Throwable c = unwrap(t);
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
        CompletableFuture<byte[]> reply;
        try {
            reply = call.send(client, ConfChange.members(d), leader);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(t -> CompletableFuture.failedFuture(failure(t)));
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
                        StoreException.Reason.UNAVAILABLE, "node " + nodeId + " unreachable: " + unwrap(t), t)));
    }

    private RuntimeException failure(Throwable t) {
        RuntimeException mapped = RaftReplies.toFailure(t);
        if (mapped instanceof StoreException) {
            return mapped;
        }
        RaftServer.Division d = division.get();
        if (d == null || d.getInfo().getLeaderId() == null) {
            return new StoreException(StoreException.Reason.NO_LEADER, "leader not found: " + mapped.getMessage(), t);
        }
        return new StoreException(StoreException.Reason.UNAVAILABLE,
                "forwarding to the leader failed: " + mapped.getMessage(), t);
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public void close() {
        client.close();
    }
}

package io.raftlite.core.store;

import org.apache.ratis.protocol.RaftPeerId;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests this node forwarded that still wait for an answer, each with the leader it went to. When the
 * node learns of another leader, those sent to the old one fail at once with NO_LEADER (their outcome unknown
 * to their callers): a paused or cut-off leader never answers, and waiting for it held the writes behind
 * them (group commit's slot) for the whole apply timeout after a new leader existed. A request is forgotten
 * as soon as it completes. Thread-safe.
 */
final class ForwardsInFlight {

    private record Request(RaftPeerId leader, CompletableFuture<byte[]> result) {
    }

    private final Set<Request> requests = ConcurrentHashMap.newKeySet();

    /** A future for a request to {@code leader}: completed by the caller, or failed by {@link #leaderChanged}. */
    CompletableFuture<byte[]> track(RaftPeerId leader) {
        Request request = new Request(leader, new CompletableFuture<>());
        requests.add(request);
        request.result().whenComplete((bytes, failure) -> requests.remove(request));
        return request.result();
    }

    /** {@code newLeader} leads now: fails every request sent to another leader; returns how many it failed. */
    int leaderChanged(RaftPeerId newLeader) {
        int failed = 0;
        for (Request request : requests) {
            if (!request.leader().equals(newLeader) && request.result().completeExceptionally(new StoreException(
                    StoreException.Reason.NO_LEADER, "leader not found: the leader changed from " + request.leader()
                    + " to " + newLeader + " while the request was forwarded; its outcome is unknown", null))) {
                failed++;
            }
        }
        return failed;
    }

    /** The requests waiting now (for tests). */
    int size() {
        return requests.size();
    }
}

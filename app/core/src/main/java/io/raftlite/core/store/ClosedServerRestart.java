package io.raftlite.core.store;

import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.util.LifeCycle;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WORKAROUND for Ratis 3.3.0 (delete when its follower can no longer close itself over a log write queued before
 * a snapshot install): a replica whose Raft server Ratis closed while the process runs gets it restarted from
 * disk (snapshot + log), instead of answering "store is not running" until someone restarts the process.
 * <p>
 * Seen in FaultIT (snap cluster, halves partitions): a follower appends the leader's entries while it installs
 * the leader's snapshot; a write of an entry older than the snapshot that the log worker had already taken from
 * its queue ({@code SegmentedRaftLogWorker.syncWithSnapshot} clears only the queue) fails its check
 * ({@code lastWrittenIndex == 1153, entry == … index: 873}) and the worker closes the division. The restart
 * recovers what is durable and the leader resends the rest, as after a process restart.
 * <p>
 * Not restarted: a server the store's own fail-stop stopped ({@link #failStop}): applying that entry would fail
 * again, and stopping there is the point; a server whose configuration no longer lists this node (Ratis shuts a
 * removed leader down on purpose). A server that Ratis closes again after a restart (a removed node that missed
 * its removal finds itself NOT_IN_CONF at its next election) is restarted after 1, 2, 4, … up to 64 rounds.
 */
final class ClosedServerRestart {

    private final StoreConfig.FailStop failStop;
    private final AtomicBoolean failStopped = new AtomicBoolean();
    private static final int MAX_ROUNDS_BETWEEN = 64;

    private final AtomicLong restarts = new AtomicLong();
    private int roundsToWait;
    private int nextWait = 1;

    ClosedServerRestart(StoreConfig.FailStop failStop) {
        this.failStop = failStop;
    }

    /** The store's fail-stop, noted here: a server it stopped is never restarted. */
    StoreConfig.FailStop failStop() {
        return (index, failure) -> {
            failStopped.set(true);
            failStop.storageFailed(index, failure);
        };
    }

    /**
     * The group to restart {@code server}'s division with, or null when it is running or must stay stopped. Called
     * once per upkeep round, under the store's lock.
     */
    RaftGroup groupToRestart(RaftServer server, RaftGroupId groupId, RaftPeerId self) {
        if (server == null || failStopped.get()) {
            return null;
        }
        RaftServer.Division d;
        try {
            d = server.getDivision(groupId);
        } catch (IOException e) {
            return null; // no such group on this server (e.g. a node that has not joined yet)
        }
        LifeCycle.State state = d.getInfo().getLifeCycleState();
        if (state != LifeCycle.State.CLOSED && state != LifeCycle.State.EXCEPTION
                || d.getRaftConf().getPeer(self, RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER) == null) {
            return null;
        }
        if (roundsToWait > 0) {
            roundsToWait--;
            return null;
        }
        roundsToWait = nextWait;
        nextWait = Math.min(MAX_ROUNDS_BETWEEN, 2 * nextWait);
        restarts.incrementAndGet();
        return d.getGroup();
    }

    /** How many restarts this store has done. */
    long restarts() {
        return restarts.get();
    }
}

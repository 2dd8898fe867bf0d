package io.raftlite.core.store;

import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * On the leader, one INFO line per change of a follower's state, and their counts ({@link PeerEvents}): down (no
 * reply for {@code downAfter}), back (it replies again) and caught up (it has committed what the leader had
 * committed when it came back). Ratis' own per-attempt warnings about a down peer are not needed next to these
 * lines (see {@code RaftPropertiesFactory} for its back-off). Reads only public Ratis state: the leader's time
 * since each follower's last reply ({@code RoleInfoProto}) and the followers' commit indexes.
 */
final class PeerWatch {

    private static final Logger LOG = LoggerFactory.getLogger(PeerWatch.class);

    /**
     * A follower's state as the leader sees it; {@code catchUpTo} is the commit index it must reach, or -1;
     * {@code since} when this leader first saw it (nanoTime): Ratis starts a new follower's clock one maximum
     * election timeout in the past, so silence counts only from then on.
     */
    private record Seen(boolean down, long catchUpTo, long since) {
    }

    private final long downAfterMs;
    private final Map<String, Seen> peers = new HashMap<>();
    private final AtomicLong down = new AtomicLong();
    private final AtomicLong back = new AtomicLong();
    private final AtomicLong caughtUp = new AtomicLong();

    PeerWatch(Duration downAfter) {
        this.downAfterMs = downAfter.toMillis();
    }

    PeerEvents events() {
        return new PeerEvents(down.get(), back.get(), caughtUp.get());
    }

    /** Looks at every follower once; forgets them all when this server does not lead (a new term starts afresh). */
    synchronized void check(RaftServer.Division d) {
        RoleInfoProto role = d.getInfo().getRoleInfoProto();
        if (!role.hasLeaderInfo()) {
            peers.clear();
            return;
        }
        Map<String, Long> commits = new HashMap<>();
        for (CommitInfoProto c : d.getCommitInfos()) {
            commits.put(c.getServer().getId().toStringUtf8(), c.getCommitIndex());
        }
        long leaderCommit = d.getRaftLog().getLastCommittedIndex();
        Set<String> present = new HashSet<>();
        for (ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
            String id = f.getId().getId().toStringUtf8();
            present.add(id);
            Seen before = peers.computeIfAbsent(id, k -> new Seen(false, -1, System.nanoTime()));
            Seen now = next(id, before, f.getLastRpcElapsedTimeMs(), commits.getOrDefault(id, -1L), leaderCommit);
            peers.put(id, now);
        }
        peers.keySet().retainAll(present);
    }

    private Seen next(String id, Seen s, long silentMs, long commit, long leaderCommit) {
        long watchedMs = (System.nanoTime() - s.since()) / 1_000_000;
        if (!s.down() && silentMs > downAfterMs && watchedMs > downAfterMs) {
            down.incrementAndGet();
            LOG.info("peer {} is down: no reply for {} ms; retries back off until it answers", id, silentMs);
            return new Seen(true, -1, s.since());
        }
        if (s.down() && silentMs <= downAfterMs) {
            back.incrementAndGet();
            LOG.info("peer {} is back (commit index {}, the leader's {})", id, commit, leaderCommit);
            return caughtUp(id, new Seen(false, leaderCommit, s.since()), commit);
        }
        return s.catchUpTo() >= 0 ? caughtUp(id, s, commit) : s;
    }

    private Seen caughtUp(String id, Seen s, long commit) {
        if (commit < s.catchUpTo()) {
            return s;
        }
        caughtUp.incrementAndGet();
        LOG.info("peer {} caught up (commit index {})", id, commit);
        return new Seen(s.down(), -1, s.since());
    }
}

package io.raftlite.core.membership;

import io.raftlite.core.store.StoreException;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * rqlite's stepdown ({@code POST /leader}): the leader hands leadership to a named voter, or to any other voter,
 * from any node (the Raft client follows NotLeader to the leader). It returns once the target leads.
 * <ul>
 *   <li>A named node that is not a voter: NOT_FOUND. The only voter has nobody to hand over to: INVALID.</li>
 *   <li>Naming the node that already leads changes nothing and succeeds.</li>
 *   <li>No leader, or the target not elected within the timeout: NO_LEADER or TIMEOUT.</li>
 * </ul>
 */
public final class Stepdown {

    private static final Logger LOG = LoggerFactory.getLogger(Stepdown.class);
    private static final long NOT_READY_RETRY_MS = 50;

    private final Remover remover;
    private final Supplier<RaftServer.Division> division;

    Stepdown(Remover remover, Supplier<RaftServer.Division> division) {
        this.remover = remover;
        this.division = division;
    }

    /** @param nodeId the voter to lead next, or null for any other voter */
    void stepdown(String nodeId, Duration timeout) throws InterruptedException {
        RaftServer.Division d = division.get();
        if (d == null) {
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "store is not running", null);
        }
        RaftPeerId leader = d.getInfo().getLeaderId();
        if (leader == null) {
            throw new StoreException(StoreException.Reason.NO_LEADER, "leader not found", null);
        }
        RaftPeerId target = target(d, leader, nodeId);
        if (target.equals(leader)) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no attempt made";
        while (System.nanoTime() < deadline) {
            long leftMs = Math.max(200, (deadline - System.nanoTime()) / 1_000_000);
            try (RaftClient client = remover.client(d, d.getInfo().getLeaderId(), deadline)) {
                RaftClientReply reply = client.admin().transferLeadership(target, leftMs);
                if (reply.isSuccess()) {
                    LOG.info("stepdown: leadership moved from {} to {}", leader, target);
                    return;
                }
                last = String.valueOf(reply.getException());
                if (!(reply.getException() instanceof LeaderNotReadyException)
                        && !(reply.getException() instanceof NotLeaderException)) {
                    break;
                }
            } catch (IOException | RuntimeException e) {
                last = e.toString();
            }
            Thread.sleep(NOT_READY_RETRY_MS);
        }
        throw new StoreException(StoreException.Reason.TIMEOUT, "leadership transfer to " + target + " failed: " + last,
                null);
    }

    private static RaftPeerId target(RaftServer.Division d, RaftPeerId leader, String nodeId) {
        List<RaftPeerId> voters = d.getRaftConf().getCurrentPeers(RaftPeerRole.FOLLOWER).stream()
                .map(RaftPeer::getId).sorted(java.util.Comparator.comparing(RaftPeerId::toString)).toList();
        if (nodeId != null) {
            RaftPeerId id = RaftPeerId.valueOf(nodeId);
            if (!voters.contains(id)) {
                throw new StoreException(StoreException.Reason.NOT_FOUND, "node " + nodeId + " is not a voter", null);
            }
            return id;
        }
        return voters.stream().filter(v -> !v.equals(leader)).findFirst().orElseThrow(() -> new StoreException(
                StoreException.Reason.INVALID, "no other voter to hand leadership to", null));
    }
}

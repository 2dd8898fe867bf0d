package io.raftlite.core.store;

import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * On a clean stop, a leader hands leadership to another voter first, so the rest of the cluster does not
 * wait an election timeout. Best effort and bounded: any failure is logged and the stop goes on.
 */
final class LeadershipHandover {

    private static final Logger LOG = LoggerFactory.getLogger(LeadershipHandover.class);
    private static final long NOT_READY_RETRY_MS = 50;

    record Caller(ClientId clientId, long callId) {
    }

    private LeadershipHandover() {
    }

    static void transfer(RaftServer server, RaftServer.Division d, Caller caller, Duration timeout) {
        try {
            if (!d.getInfo().isLeader()) {
                LOG.info("not the leader at stop: no leadership transfer");
                return;
            }
            RaftPeerId target = pickTarget(d);
            if (target == null) {
                return;
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            RaftClientReply reply;
            do { // a leader just elected is not ready until its first entry commits: retry within the bound
                long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                TransferLeadershipRequest request = new TransferLeadershipRequest(caller.clientId(),
                        d.getId(), d.getMemberId().getGroupId(), caller.callId(), target, leftMs);
                reply = server.transferLeadershipAsync(request).get(leftMs + 500, TimeUnit.MILLISECONDS);
                if (!(reply.getException() instanceof LeaderNotReadyException) || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(NOT_READY_RETRY_MS);
            } while (d.getInfo().isLeader());
            LOG.info("leadership transfer to {} on stop: {}", target,
                    reply.isSuccess() ? "done" : String.valueOf(reply.getException()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("leadership transfer on stop failed; stopping anyway: {}", e.toString());
        }
    }

    /** The other voter the leader heard from most recently, or null when this is the only voter. */
    private static RaftPeerId pickTarget(RaftServer.Division d) {
        Set<RaftPeerId> voters = d.getRaftConf().getCurrentPeers(RaftPeerRole.FOLLOWER).stream()
                .map(RaftPeer::getId).filter(id -> !id.equals(d.getId())).collect(Collectors.toSet());
        if (voters.isEmpty()) {
            return null;
        }
        RoleInfoProto role = d.getInfo().getRoleInfoProto();
        return role.getLeaderInfo().getFollowerInfoList().stream()
                .filter(f -> voters.contains(RaftPeerId.valueOf(f.getId().getId())))
                .min(Comparator.comparingLong(ServerRpcProto::getLastRpcElapsedTimeMs))
                .map(f -> RaftPeerId.valueOf(f.getId().getId()))
                .orElse(voters.iterator().next());
    }
}

package io.raftlite.core.store;

import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether a leader still has a majority behind it, judged when {@code /status} or {@code /readyz} asks. Ratis
 * steps a leader down when no majority answered for the step-down time (2 × election timeout), but checks only
 * when its event queue has been idle for that long, so a cut-off leader went on calling itself leader for up
 * to twice that (4.2 s seen). Here the same rule is applied at the moment of the question: a leader in office
 * for at least {@code stepDown} whose voters (itself counted) did not answer within {@code stepDown} in a
 * majority has lost its majority and is reported as a follower without a leader.
 */
final class LeaderContact {

    private LeaderContact() {
    }

    /** True when {@code d} is the leader, has been for {@code stepDown}, and no majority answered within it. */
    static boolean lost(RaftServer.Division d, Duration stepDown) {
        if (d == null || !d.getInfo().isLeader()) {
            return false;
        }
        RoleInfoProto role = d.getInfo().getRoleInfoProto();
        Set<RaftPeerId> voters = d.getRaftConf().getCurrentPeers(RaftPeerRole.FOLLOWER).stream()
                .map(RaftPeer::getId).collect(Collectors.toSet());
        return lost(role, voters, d.getId(), stepDown.toMillis());
    }

    static boolean lost(RoleInfoProto role, Collection<RaftPeerId> voters, RaftPeerId self, long stepDownMs) {
        if (role.getRole() != RaftPeerRole.LEADER || role.getRoleElapsedTimeMs() < stepDownMs) {
            return false; // a new leader was voted in by a majority: it is legal for that long (as in Ratis)
        }
        long heard = voters.contains(self) ? 1 : 0;
        for (ServerRpcProto follower : role.getLeaderInfo().getFollowerInfoList()) {
            RaftPeerId id = RaftPeerId.valueOf(follower.getId().getId());
            if (!id.equals(self) && voters.contains(id) && follower.getLastRpcElapsedTimeMs() <= stepDownMs) {
                heard++;
            }
        }
        return heard <= voters.size() / 2;
    }
}

package io.raftlite.core.store;

import org.apache.ratis.proto.RaftProtos.LeaderInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A leader that heard from no majority within the step-down time is reported as having lost it. */
class LeaderContactTest {

    private static final RaftPeerId N1 = RaftPeerId.valueOf("n1");
    private static final RaftPeerId N2 = RaftPeerId.valueOf("n2");
    private static final RaftPeerId N3 = RaftPeerId.valueOf("n3");
    private static final RaftPeerId L4 = RaftPeerId.valueOf("l4");
    private static final long STEP_DOWN_MS = 2000;

    /** n1 leads for {@code inOfficeMs}; each other peer last answered {@code elapsed[i]} ms ago. */
    private static RoleInfoProto leader(long inOfficeMs, List<RaftPeerId> peers, long... elapsed) {
        LeaderInfoProto.Builder info = LeaderInfoProto.newBuilder();
        for (int i = 0; i < peers.size(); i++) {
            info.addFollowerInfo(ServerRpcProto.newBuilder()
                    .setId(RaftPeerProto.newBuilder().setId(peers.get(i).toByteString()))
                    .setLastRpcElapsedTimeMs(elapsed[i]));
        }
        return RoleInfoProto.newBuilder().setRole(RaftPeerRole.LEADER).setRoleElapsedTimeMs(inOfficeMs)
                .setLeaderInfo(info).build();
    }

    @Test
    void bothFollowersSilentForTheStepDownTimeIsLost() {
        assertTrue(LeaderContact.lost(leader(60_000, List.of(N2, N3), 2001, 5000), List.of(N1, N2, N3), N1,
                STEP_DOWN_MS));
    }

    @Test
    void oneFollowerHeardIsAMajority() {
        assertFalse(LeaderContact.lost(leader(60_000, List.of(N2, N3), 150, 60_000), List.of(N1, N2, N3), N1,
                STEP_DOWN_MS));
    }

    @Test
    void aListenerDoesNotCount() {
        assertTrue(LeaderContact.lost(leader(60_000, List.of(N2, N3, L4), 9000, 9000, 10), List.of(N1, N2, N3), N1,
                STEP_DOWN_MS));
    }

    @Test
    void aNewLeaderIsLegalForTheStepDownTime() {
        assertFalse(LeaderContact.lost(leader(1500, List.of(N2, N3), 9000, 9000), List.of(N1, N2, N3), N1,
                STEP_DOWN_MS));
    }

    @Test
    void aSingleVoterAlwaysHasItsMajority() {
        assertFalse(LeaderContact.lost(leader(60_000, List.of()), List.of(N1), N1, STEP_DOWN_MS));
    }

    @Test
    void aFollowerHasNothingToLose() {
        RoleInfoProto follower = RoleInfoProto.newBuilder().setRole(RaftPeerRole.FOLLOWER)
                .setRoleElapsedTimeMs(60_000).build();
        assertFalse(LeaderContact.lost(follower, List.of(N1, N2, N3), N1, STEP_DOWN_MS));
    }
}

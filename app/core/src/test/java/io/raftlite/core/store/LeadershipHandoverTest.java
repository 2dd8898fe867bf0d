package io.raftlite.core.store;

import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Whom a stopping leader hands leadership to: a voter Ratis takes at once (its match index known to reach the
 * leader's last entry) before one heard from more recently whose match index the leader does not know.
 */
class LeadershipHandoverTest {

    private static final RaftPeerId N2 = RaftPeerId.valueOf("n2");
    private static final RaftPeerId N3 = RaftPeerId.valueOf("n3");
    private static final RaftPeerId L4 = RaftPeerId.valueOf("l4");

    private static ServerRpcProto follower(RaftPeerId id, long silentMs) {
        return ServerRpcProto.newBuilder().setId(RaftPeerProto.newBuilder().setId(id.toByteString()))
                .setLastRpcElapsedTimeMs(silentMs).build();
    }

    @Test
    void aVoterKnownUpToDateWinsOverOneHeardFromMoreRecently() {
        // n3 came back after the leader's last entry (index 1): it answers heartbeats, its match index is unknown
        List<ServerRpcProto> followers = List.of(follower(N2, 300), follower(N3, 20));
        assertEquals(N2, LeadershipHandover.choose(Set.of(N2, N3), followers, new long[] {1, -1}, 1));
        assertEquals(N3, LeadershipHandover.choose(Set.of(N2, N3), followers, new long[] {1, 1}, 1),
                "both up to date: the one heard from most recently");
    }

    @Test
    void withNoneKnownUpToDateTheOneHeardFromMostRecently() {
        List<ServerRpcProto> followers = List.of(follower(N2, 300), follower(N3, 20));
        assertEquals(N3, LeadershipHandover.choose(Set.of(N2, N3), followers, new long[] {-1, -1}, 1));
        assertEquals(N3, LeadershipHandover.choose(Set.of(N2, N3), followers, new long[] {1}, 1),
                "match indexes that do not line up with the followers are ignored");
    }

    @Test
    void onlyVotersAreCandidates() {
        List<ServerRpcProto> followers = List.of(follower(L4, 1), follower(N2, 400));
        assertEquals(N2, LeadershipHandover.choose(Set.of(N2), followers, new long[] {5, 3}, 5));
        assertNull(LeadershipHandover.choose(Set.of(N2), List.of(follower(L4, 1)), new long[] {5}, 5));
    }
}

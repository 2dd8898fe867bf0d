package io.raftlite.core.membership;

import io.raftlite.core.store.RaftTransport;
import io.raftlite.core.store.StoreConfig;
import io.raftlite.core.store.StoreException;
import io.raftlite.core.workaround.PeerProxyRefresh;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The voter target and a joiner's role choice, without a cluster. */
class MembershipRulesTest {

    private static final RaftGroupId GROUP = RaftGroupId.randomId();

    private static StoreConfig.Membership cap(int maxVoters) {
        return new StoreConfig.Membership(maxVoters, false, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1));
    }

    @Test
    void votersAreTheLargestOddNumberUpToTheCap() {
        int[] members = {1, 2, 3, 4, 5, 6, 7, 50};
        int[] withCap5 = {1, 1, 3, 3, 5, 5, 5, 5};
        int[] withCap3 = {1, 1, 3, 3, 3, 3, 3, 3};
        for (int i = 0; i < members.length; i++) {
            assertEquals(withCap5[i], cap(5).targetVoters(members[i]), members[i] + " members, cap 5");
            assertEquals(withCap3[i], cap(3).targetVoters(members[i]), members[i] + " members, cap 3");
            assertEquals(1, cap(1).targetVoters(members[i]));
        }
        assertThrows(IllegalArgumentException.class, () -> cap(4));
        assertThrows(IllegalArgumentException.class, () -> cap(0));
    }

    @Test
    void promotionsGoAsFarAsOneChangeMayAndNeverToAnEvenCountButTwo() {
        // {voters, target, ready listeners, promoted}
        int[][] cases = {
            {1, 3, 2, 1}, {2, 3, 1, 1}, {1, 5, 4, 1}, {2, 5, 3, 1}, // a lone voter takes one: 1 -> 2 -> 3
            {3, 5, 2, 2}, {3, 5, 5, 2}, {3, 5, 1, 0},               // 3 -> 5 at once, never 3 -> 4
            {4, 5, 1, 1}, {4, 7, 2, 1}, {4, 7, 3, 3},               // from an even count to the next odd one
            {5, 7, 1, 0}, {5, 9, 4, 4}, {5, 9, 3, 2},
            {3, 3, 2, 0}, {5, 3, 2, 0}, {1, 1, 3, 0}, {3, 5, 0, 0}, // at or past the target, or nobody ready
        };
        for (int[] c : cases) {
            assertEquals(c[3], VoterBalancer.promotions(c[0], c[1], c[2]),
                    c[0] + " voters, target " + c[1] + ", " + c[2] + " ready");
        }
    }

    @Test
    void aJoinerVotesOnlyWhileVotersAreShortOfTheTarget() {
        RaftPeer self = peer("new", "127.0.0.9:1", RaftPeerRole.FOLLOWER);
        Joiner joiner = new Joiner(GROUP, self, List.of("127.0.0.1:1"), Duration.ofMillis(10));
        // one voter: a second node would make two voters, no better than one → listener
        assertEquals(RaftPeerRole.LISTENER, joiner.roleFor(membership(1, 0), false, cap(5)));
        // one voter and a listener: the third node makes three voters (the listener is promoted after)
        assertEquals(RaftPeerRole.FOLLOWER, joiner.roleFor(membership(1, 1), false, cap(5)));
        assertEquals(RaftPeerRole.LISTENER, joiner.roleFor(membership(3, 0), false, cap(5)));
        // three voters and a listener: a fourth voter would be an even count; both listeners are promoted together
        assertEquals(RaftPeerRole.LISTENER, joiner.roleFor(membership(3, 1), false, cap(5)));
        // two voters (after a removal) and a listener: the third voter
        assertEquals(RaftPeerRole.FOLLOWER, joiner.roleFor(membership(2, 1), false, cap(5)));
        assertEquals(RaftPeerRole.FOLLOWER, joiner.roleFor(membership(4, 2), false, cap(7)));
        assertEquals(RaftPeerRole.LISTENER, joiner.roleFor(membership(3, 1), false, cap(3)));
        assertEquals(RaftPeerRole.LISTENER, joiner.roleFor(membership(1, 1), true, cap(5)), "-raft-non-voter");
    }

    @Test
    void aKnownIdKeepsItsRoleAtTheSameAddressAndAtAnotherUnlessThisRatisCannotMoveIt() {
        StoreConfig.Membership cap5 = cap(5);
        Joiner.Membership m = new Joiner.Membership(RaftGroup.valueOf(GROUP,
                peer("a", "127.0.0.1:1", RaftPeerRole.FOLLOWER), peer("b", "127.0.0.2:1", RaftPeerRole.LISTENER)), null);
        Joiner sameB = new Joiner(GROUP, peer("b", "127.0.0.2:1", RaftPeerRole.FOLLOWER),
                List.of("127.0.0.1:1"), Duration.ofMillis(10));
        assertEquals(RaftPeerRole.LISTENER, sameB.roleFor(m, false, cap5));
        assertTrue(PeerProxyRefresh.SUPPORTED, "Ratis internals PeerProxyRefresh needs are there (a Ratis upgrade"
                + " may remove them: then moves are refused, see below)");
        Joiner movedB = new Joiner(GROUP, peer("b", "127.0.0.3:1", RaftPeerRole.FOLLOWER),
                List.of("127.0.0.1:1"), Duration.ofMillis(10));
        assertEquals(RaftPeerRole.LISTENER, movedB.roleFor(m, false, cap5));
        Joiner unmovable = new Joiner(RaftTransport.PLAINTEXT, GROUP,
                peer("b", "127.0.0.3:1", RaftPeerRole.FOLLOWER),
                List.of("127.0.0.1:1"), Duration.ofMillis(10), false);
        StoreException e = assertThrows(StoreException.class, () -> unmovable.roleFor(m, false, cap5));
        assertTrue(e.getMessage().contains("node id b is already a listener at 127.0.0.2:1; a member cannot change"
                + " its address on this Ratis version"), e.getMessage());
    }

    private static Joiner.Membership membership(int voters, int listeners) {
        List<RaftPeer> peers = new ArrayList<>();
        for (int i = 0; i < voters; i++) {
            peers.add(peer("v" + i, "127.0.0.1:" + (1000 + i), RaftPeerRole.FOLLOWER));
        }
        for (int i = 0; i < listeners; i++) {
            peers.add(peer("l" + i, "127.0.0.1:" + (2000 + i), RaftPeerRole.LISTENER));
        }
        return new Joiner.Membership(RaftGroup.valueOf(GROUP, peers), null);
    }

    private static RaftPeer peer(String id, String address, RaftPeerRole role) {
        return RaftPeer.newBuilder().setId(id).setAddress(address).setStartupRole(role).build();
    }
}

package io.raftlite.core.membership;

import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Which waiting joins go into one change, and the join request's wire form (the leader reads it off the network). */
class JoinQueueTest {

    private static RaftPeer voter(String id) {
        return RaftPeer.newBuilder().setId(id).setAddress("127.0.0.1:1").build();
    }

    private static RaftPeer listener(String id) {
        return RaftPeer.newBuilder().setId(id).setAddress("127.0.0.1:1").setStartupRole(RaftPeerRole.LISTENER).build();
    }

    private static List<String> ids(List<RaftPeer> peers) {
        return peers.stream().map(p -> p.getId().toString()).toList();
    }

    @Test
    void everyListenerAndAsManyVotersAsRatisTakesInOneChange() {
        List<RaftPeer> waiting = List.of(voter("v1"), listener("l1"), voter("v2"), voter("v3"), listener("l2"),
                voter("v4"), voter("v5"));
        assertEquals(List.of("v1", "l1", "l2"), ids(JoinQueue.nextChange(1, waiting)), "one voter beside a lone voter");
        assertEquals(List.of("v1", "l1", "l2"), ids(JoinQueue.nextChange(2, waiting)), "2 -> 3, never 2 -> 4");
        assertEquals(List.of("v1", "l1", "v2", "l2"), ids(JoinQueue.nextChange(3, waiting)), "3 -> 5");
        assertEquals(List.of("v1", "l1", "v2", "v3", "l2", "v4"), ids(JoinQueue.nextChange(5, waiting)), "5 -> 9");
        assertEquals(List.of("l1", "l2"), ids(JoinQueue.nextChange(3, List.of(listener("l1"), listener("l2")))));
        assertEquals(List.of(), JoinQueue.nextChange(3, List.of()));
    }

    @Test
    void aJoinRequestRoundTripsAndItsBoundsHold() throws IOException {
        JoinRequest r = new JoinRequest("node-7", "[::1]:4002", true);
        assertEquals(Optional.of(r), JoinRequest.decode(r.encode()));
        assertEquals(RaftPeerRole.LISTENER, JoinRequest.decode(r.encode()).orElseThrow().peer().getStartupRole());
        assertEquals(RaftPeerRole.FOLLOWER, new JoinRequest("n", "h:1", false).peer().getStartupRole());
        assertEquals(Optional.of(new JoinRequest("x".repeat(128), "h".repeat(249) + ":65535", false)),
                JoinRequest.decode(new JoinRequest("x".repeat(128), "h".repeat(249) + ":65535", false).encode()));
        for (String[] bad : new String[][] {{"", "h:1"}, {"x".repeat(129), "h:1"}, {"a b", "h:1"}, {"n", "h"},
                {"n", ":1"}, {"n", "h:"}, {"n", "h:0"}, {"n", "h:65536"}, {"n", "h:1x"}, {"n", "h".repeat(254) + ":1"},
                {"n\u0000", "h:1"}}) {
            assertThrows(IllegalArgumentException.class, () -> new JoinRequest(bad[0], bad[1], true), bad[0] + " " + bad[1]);
        }
        assertEquals(Optional.empty(), JoinRequest.decode(new byte[0]));
        assertEquals(Optional.empty(), JoinRequest.decode(new byte[] {'J', 1}));
        assertEquals(Optional.empty(), JoinRequest.decode(new byte[] {'J', 1, 0, 0}));
        assertEquals(Optional.empty(), JoinRequest.decode(new byte[] {'M', 1, 0, 1, 'n', 0, 3, 'h', ':', '1', 0}));
        assertEquals(Optional.empty(), JoinRequest.decode(new byte[] {'J', 1, 0, 1, 'n', 0, 3, 'h', ':', '1', 2}));
        assertEquals(Optional.of(new JoinRequest("n", "h:1", false)),
                JoinRequest.decode(new byte[] {'J', 1, 0, 1, 'n', 0, 3, 'h', ':', '1', 0}));
        assertEquals(Optional.empty(), JoinRequest.decode(new byte[] {'J', 1, 0, 1, 'n', 0, 3, 'h', ':', '1', 0, 0}));
        assertEquals(Optional.empty(), JoinRequest.decode(new byte[] {'J', 1, (byte) 0xff, (byte) 0xff, 'n'}));

        JoinRequest.Reply reply = new JoinRequest.Reply(JoinRequest.Outcome.RETRY, "r".repeat(5000));
        JoinRequest.Reply back = JoinRequest.decodeReply(JoinRequest.encode(reply));
        assertEquals(JoinRequest.Outcome.RETRY, back.outcome());
        assertEquals(1000, back.reason().length());
        assertThrows(IOException.class, () -> JoinRequest.decodeReply(new byte[] {'J', 9, 0, 0}));
        assertThrows(IOException.class, () -> JoinRequest.decodeReply(new byte[] {1, 0, 0, 0}));
    }
}

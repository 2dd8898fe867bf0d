package io.raftlite.core.workaround;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.RaftServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Canaries for the role workarounds in {@code io.raftlite.core.store} (see this package's {@code package-info}),
 * on bare Ratis servers with a no-op state machine on 127.0.23.x: each asserts that the Ratis on the class path
 * still behaves as the workaround assumes, and fails once it does not.
 */
@Timeout(120)
class RatisRoleCanaryTest {

    @TempDir
    Path dir;

    private BareRatis ratis;
    private RaftGroupId groupId;

    @BeforeEach
    void open() {
        ratis = new BareRatis(dir);
        groupId = ratis.groupId;
    }

    @AfterEach
    void close() {
        ratis.close();
    }

    /** Joiner never uses ADD: Ratis takes the listeners of an ADD request, not of the merged configuration. */
    @Test
    void addModeDropsTheListeners() throws Exception {
        RaftPeer a = peer("a", 11, RaftPeerRole.FOLLOWER);
        RaftPeer b = peer("b", 12, RaftPeerRole.LISTENER);
        RaftGroup group = RaftGroup.valueOf(groupId, a, b);
        RaftServer.Division leader = start(a, group);
        start(b, group);
        await("a leads", () -> leader.getInfo().isLeader() && leader.getInfo().isLeaderReady());

        RaftPeer raised = RaftPeer.newBuilder(a).setPriority(1).build(); // a change that stages no new member
        try (RaftClient client = RaftClient.newBuilder().setProperties(new RaftProperties())
                .setRaftGroup(group).build()) {
            RaftClientReply reply = client.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                    .setServersInNewConf(List.of(raised)).setMode(SetConfigurationRequest.Mode.ADD).build());
            assertTrue(reply.isSuccess(), String.valueOf(reply));
        }
        await("the ADD applied", () -> stable(leader)
                && leader.getRaftConf().getPeer(a.getId()).getPriority() == 1);
        assertTrue(leader.getRaftConf().getAllPeers(RaftPeerRole.LISTENER).isEmpty(),
                "ADD keeps the listeners now: Joiner may use ADD; drop the note in store/package-info");
    }

    /**
     * RaftStore.restartIfDemoted and Bootstrapper/Joiner's listener restarts: a running FOLLOWER that a new
     * configuration lists as a listener stays a FOLLOWER (Ratis only ever turns a LISTENER into a FOLLOWER).
     */
    @Test
    void aDemotedVoterStaysAFollower() throws Exception {
        RaftPeer a = peer("a", 21, RaftPeerRole.FOLLOWER);
        RaftPeer b = peer("b", 22, RaftPeerRole.FOLLOWER);
        RaftPeer c = peer("c", 23, RaftPeerRole.FOLLOWER);
        RaftGroup group = RaftGroup.valueOf(groupId, a, b, c);
        List<RaftServer.Division> divisions = List.of(start(a, group), start(b, group), start(c, group));
        RaftServer.Division[] leader = new RaftServer.Division[1];
        await("a leader", () -> {
            leader[0] = divisions.stream().filter(d -> d.getInfo().isLeaderReady()).findFirst().orElse(null);
            return leader[0] != null;
        });
        RaftServer.Division demoted = divisions.stream().filter(d -> d != leader[0]).findFirst().orElseThrow();
        List<RaftPeer> voters = new ArrayList<>();
        divisions.stream().filter(d -> d != demoted).forEach(d -> voters.add(d.getPeer()));
        RaftPeer asListener = RaftPeer.newBuilder(demoted.getPeer()).setStartupRole(RaftPeerRole.LISTENER).build();
        try (RaftClient client = RaftClient.newBuilder().setProperties(new RaftProperties())
                .setRaftGroup(group).build()) {
            RaftClientReply reply = client.admin().setConfiguration(voters, List.of(asListener));
            assertTrue(reply.isSuccess(), String.valueOf(reply));
        }
        await("the demotion applied where it was demoted", () -> stable(demoted)
                && demoted.getRaftConf().getPeer(demoted.getId(), RaftPeerRole.LISTENER) != null);
        // a follower's state is rebuilt at the latest on its next heartbeat: give it a few
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline) {
            assertEquals(RaftPeerRole.FOLLOWER, demoted.getInfo().getCurrentRole(),
                    "Ratis turns a demoted follower into a listener now: drop RaftStore.restartIfDemoted and the "
                            + "listener restarts of Bootstrapper and Joiner");
            Thread.sleep(50); // sampling the role while it must not change; nothing to wait for
        }
        assertFalse(demoted.getInfo().isLeader());
    }

    private static RaftPeer peer(String id, int host, RaftPeerRole role) throws IOException {
        return BareRatis.peer(id, host, role);
    }

    private RaftServer.Division start(RaftPeer peer, RaftGroup group) throws IOException {
        return ratis.start(peer, group);
    }

    private static boolean stable(RaftServer.Division d) {
        return d.getRaftConf().getPreviousPeers(RaftPeerRole.FOLLOWER).isEmpty()
                && d.getRaftConf().getPreviousPeers(RaftPeerRole.LISTENER).isEmpty();
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        BareRatis.await(what, condition);
    }
}

package io.raftlite.core.workaround;

import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CommitPushLogAppender}, on bare Ratis servers (127.0.23.101-103 and .111-113) without log-metadata
 * entries and with heartbeats every 12.5 s: after one write, do the followers learn its commit before the next
 * heartbeat? Stock Ratis tells them only with that heartbeat (the canary); the appender tells them at once.
 */
@Timeout(120)
class CommitPushLogAppenderTest {

    @TempDir
    Path dir;

    private BareRatis ratis;

    @BeforeEach
    void open() {
        ratis = new BareRatis(dir);
    }

    @AfterEach
    void close() {
        ratis.close();
    }

    @Test
    void stockTellsACommitOnlyWithTheNextHeartbeat() throws Exception {
        List<RaftServer.Division> divisions = threeVoters(101, Stock.class);
        long commit = write(divisions);
        Thread.sleep(3_000);
        assertTrue(followers(divisions).stream().allMatch(d -> committed(d) < commit),
                "a follower learned the commit without a heartbeat or a log-metadata entry: Ratis pushes commits "
                        + "now; delete CommitPushLogAppender");
    }

    @Test
    void followersLearnACommitAtOnce() throws Exception {
        List<RaftServer.Division> divisions = threeVoters(111, Pushing.class);
        long commit = write(divisions);
        BareRatis.await("both followers committing " + commit + " well before the next heartbeat (12.5 s)",
                () -> followers(divisions).stream().allMatch(d -> committed(d) >= commit), 5_000);
    }

    private static long committed(RaftServer.Division d) {
        return d.getRaftLog().getLastCommittedIndex();
    }

    private static List<RaftServer.Division> followers(List<RaftServer.Division> divisions) {
        return divisions.stream().filter(d -> !d.getInfo().isLeader()).toList();
    }

    /** One write at the leader, once every follower has the leader's current commit; returns the write's index. */
    private static long write(List<RaftServer.Division> divisions) throws Exception {
        RaftServer.Division leader = divisions.stream().filter(d -> d.getInfo().isLeader()).findFirst().orElseThrow();
        long before = committed(leader);
        BareRatis.await("the followers at the leader's commit", () -> followers(divisions).stream()
                .allMatch(d -> committed(d) >= before));
        RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(ClientId.randomId())
                .setServerId(leader.getId()).setGroupId(leader.getGroup().getGroupId()).setCallId(1)
                .setMessage(Message.valueOf("write")).setType(RaftClientRequest.writeRequestType()).build();
        RaftClientReply reply = leader.getRaftServer().submitClientRequestAsync(request).get(30, TimeUnit.SECONDS);
        assertTrue(reply.isSuccess(), reply::toString);
        return reply.getLogIndex();
    }

    /** Three voters at 127.0.23.{host}..+2 with {@code rpcType}'s appenders and no log-metadata entries. */
    private List<RaftServer.Division> threeVoters(int host, Class<? extends RpcType> rpcType) throws Exception {
        List<RaftPeer> peers = List.of(BareRatis.peer("c" + host, host, RaftPeerRole.FOLLOWER),
                BareRatis.peer("c" + (host + 1), host + 1, RaftPeerRole.FOLLOWER),
                BareRatis.peer("c" + (host + 2), host + 2, RaftPeerRole.FOLLOWER));
        RaftGroup group = RaftGroup.valueOf(ratis.groupId, peers);
        List<RaftServer.Division> divisions = new ArrayList<>();
        for (RaftPeer p : peers) {
            divisions.add(ratis.start(p, group, BaseStateMachine::new, props -> {
                RaftServerConfigKeys.Log.setLogMetadataEnabled(props, false);
                BareRatis.slowHeartbeats(props, rpcType, p == peers.get(0));
            }));
        }
        BareRatis.await("a ready leader", () -> divisions.stream().anyMatch(d -> d.getInfo().isLeaderReady()));
        return divisions;
    }

    /** Ratis' appender (with the RATIS-2500 fallback, which does not touch commits). */
    public static final class Stock extends BareRatis.AppenderRpcType {
        public Stock() {
            super(SnapshotFallbackLogAppender::new);
        }
    }

    /** {@link CommitPushLogAppender}. */
    public static final class Pushing extends BareRatis.AppenderRpcType {
        public Pushing() {
            super(CommitPushLogAppender::new);
        }
    }
}

package io.raftlite.core.workaround;

import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The canary of the snapshot collect-retry ({@code SqliteStateMachine.askRatisToCollect}, listed in this package's
 * table): stock Ratis answers a snapshot request filed while another is pending with the pending one's reply, from
 * a {@code takeSnapshot} that may have started before the later request's reason existed.
 */
@Timeout(60)
class SnapshotRequestMergeTest {

    @TempDir
    Path dir;

    @Test
    void stockAnswersARequestFiledWhileAnotherIsPendingWithThePendingOnesReply() throws Exception {
        CountDownLatch taking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (BareRatis ratis = new BareRatis(dir)) {
            RaftPeer peer = BareRatis.peer("m1", 91, RaftPeerRole.FOLLOWER);
            RaftGroup group = RaftGroup.valueOf(ratis.groupId, peer);
            RaftServer.Division division = ratis.start(peer, group, () -> new BaseStateMachine() {
                @Override
                public long takeSnapshot() {
                    taking.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return getLastAppliedTermIndex().getIndex();
                }
            }, p -> { });
            BareRatis.await("a ready leader", () -> division.getInfo().isLeaderReady());
            for (int call = 1; call <= 2; call++) { // past the creation gap of 1
                RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(ClientId.randomId())
                        .setServerId(peer.getId()).setGroupId(ratis.groupId).setCallId(call)
                        .setMessage(Message.valueOf("write")).setType(RaftClientRequest.writeRequestType()).build();
                RaftClientReply write = division.getRaftServer().submitClientRequestAsync(request)
                        .get(30, TimeUnit.SECONDS);
                assertTrue(write.isSuccess(), write::toString);
            }
            ClientId client = ClientId.randomId();
            CompletableFuture<RaftClientReply> first = division.getRaftServer().snapshotManagementAsync(
                    SnapshotManagementRequest.newCreate(client, peer.getId(), ratis.groupId, 11, 30_000, 1));
            assertTrue(taking.await(30, TimeUnit.SECONDS), "the first request started a snapshot");
            CompletableFuture<RaftClientReply> second = division.getRaftServer().snapshotManagementAsync(
                    SnapshotManagementRequest.newCreate(client, peer.getId(), ratis.groupId, 12, 30_000, 1));
            release.countDown();
            assertEquals(11, first.get(30, TimeUnit.SECONDS).getCallId());
            assertEquals(11, second.get(30, TimeUnit.SECONDS).getCallId(), "stock Ratis answers the second request "
                    + "with its own reply now: the collect-retry in SqliteStateMachine may go");
        }
    }
}

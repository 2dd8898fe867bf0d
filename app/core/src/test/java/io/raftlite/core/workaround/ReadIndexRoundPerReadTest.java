package io.raftlite.core.workaround;

import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ReadIndexRoundPerRead}, on bare Ratis servers (127.0.23.31-33 and .41-43) reading at
 * {@code LINEARIZABLE} without a lease: three voters, one read whose heartbeat round confirms the current commit
 * index, both followers closed at once, then one more read at the leader while it still leads. Stock Ratis answers
 * it at once without any follower (the canary: it fails once upstream confirms leadership for every read); with
 * the workaround the read waits for a round that cannot succeed and fails when the leader steps down.
 */
@Timeout(180)
class ReadIndexRoundPerReadTest {

    /** Long enough that the leader is still leading when the second read arrives. */
    private static final TimeDuration ELECTION_MIN = TimeDuration.valueOf(3, TimeUnit.SECONDS);
    private static final TimeDuration ELECTION_MAX = TimeDuration.valueOf(5, TimeUnit.SECONDS);

    @TempDir
    Path dir;

    private BareRatis ratis;
    private final AtomicLong callIds = new AtomicLong();

    @BeforeEach
    void open() {
        ratis = new BareRatis(dir);
    }

    @AfterEach
    void close() {
        ratis.close();
    }

    @Test
    void stockAnswersAnIsolatedLeadersReadWithoutARound() throws Exception {
        Isolated leader = isolateLeader(31, p -> { });
        long start = System.nanoTime();
        RaftClientReply reply = leader.read.get(30, TimeUnit.SECONDS);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(reply.isSuccess() && tookMs < 1_000, "Ratis confirms leadership for every ReadIndex read now"
                + " (the read took " + tookMs + " ms, " + reply + "): delete ReadIndexRoundPerRead");
        assertTrue(leader.division.getInfo().isLeader(), "answered while leading");
    }

    @Test
    void withTheWorkaroundAnIsolatedLeaderAnswersNoRead() throws Exception {
        Isolated leader = isolateLeader(41, p -> RaftConfigKeys.Rpc.setType(p, new SnapshotFallbackRpcType()));
        try {
            RaftClientReply early = leader.read.get(1, TimeUnit.SECONDS);
            assertFalse(early.isSuccess(), "answered without a majority: " + early);
        } catch (TimeoutException expected) {
            // waiting for a round no follower answers: right
        }
        assertTrue(leader.division.getInfo().isLeader(), "still leading after that second");
        try {
            RaftClientReply reply = leader.read.get(60, TimeUnit.SECONDS); // fails once it steps down
            assertFalse(reply.isSuccess(), "answered without a majority: " + reply);
        } catch (ExecutionException expected) {
            // failed: right
        }
    }

    private record Isolated(RaftServer.Division division, CompletableFuture<RaftClientReply> read) {
    }

    /** Three voters at 127.0.23.{host}..+2; one confirmed read, both followers closed, then the read to watch. */
    private Isolated isolateLeader(int host, Consumer<RaftProperties> extra) throws Exception {
        List<RaftPeer> peers = List.of(BareRatis.peer("r" + host, host, RaftPeerRole.FOLLOWER),
                BareRatis.peer("r" + (host + 1), host + 1, RaftPeerRole.FOLLOWER),
                BareRatis.peer("r" + (host + 2), host + 2, RaftPeerRole.FOLLOWER));
        RaftGroup group = RaftGroup.valueOf(ratis.groupId, peers);
        List<RaftServer.Division> divisions = new ArrayList<>();
        for (RaftPeer p : peers) {
            divisions.add(ratis.start(p, group, Answering::new, props -> {
                RaftServerConfigKeys.Read.setOption(props, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
                RaftServerConfigKeys.Read.setLeaderLeaseEnabled(props, false);
                RaftServerConfigKeys.Rpc.setTimeoutMin(props, ELECTION_MIN);
                RaftServerConfigKeys.Rpc.setTimeoutMax(props, ELECTION_MAX);
                extra.accept(props);
            }));
        }
        RaftServer.Division[] leader = new RaftServer.Division[1];
        BareRatis.await("a ready leader", () -> {
            leader[0] = divisions.stream().filter(d -> d.getInfo().isLeaderReady()).findFirst().orElse(null);
            return leader[0] != null;
        });
        RaftClientReply first = read(leader[0]).get(30, TimeUnit.SECONDS);
        assertTrue(first.isSuccess(), "the first read, with every follower: " + first);

        List<CompletableFuture<Void>> closing = divisions.stream().filter(d -> d != leader[0])
                .map(d -> CompletableFuture.runAsync(() -> {
                    try {
                        d.getRaftServer().close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })).toList();
        closing.forEach(CompletableFuture::join);
        assertTrue(leader[0].getInfo().isLeader(), "still leader before the read");
        return new Isolated(leader[0], read(leader[0]));
    }

    private CompletableFuture<RaftClientReply> read(RaftServer.Division leader) throws IOException {
        RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(ClientId.randomId())
                .setServerId(leader.getId()).setGroupId(leader.getGroup().getGroupId())
                .setCallId(callIds.incrementAndGet()).setMessage(Message.valueOf("read"))
                .setType(RaftClientRequest.readRequestType()).build();
        return leader.getRaftServer().submitClientRequestAsync(request);
    }

    /** Answers every query. */
    static final class Answering extends BaseStateMachine {
        @Override
        public CompletableFuture<Message> query(Message request) {
            return CompletableFuture.completedFuture(Message.valueOf("answer"));
        }
    }
}

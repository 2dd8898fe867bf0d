package io.raftlite.core.workaround;

import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
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
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.raftlog.RaftLogIOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ReadRoundLogAppender}, on bare Ratis servers (127.0.23.61-63 to .91-93) reading at {@code LINEARIZABLE}
 * with a round per read ({@link ReadIndexRoundPerRead}) and heartbeats every 12.5 s, so a round that misses the
 * heartbeat triggered for it waits seconds, and one that gets it answers at once. Each race is widened with a
 * sleep in a test appender: between the round's trigger and its noting of the call id (the appender takes the
 * id first), and between the appender taking an id and clearing the trigger (the round's trigger is swallowed).
 * Stock Ratis misses the heartbeat in both (the canaries); this appender makes the round's heartbeat go out.
 */
@Timeout(180)
class ReadRoundLogAppenderTest {

    /** Long enough for the appender thread, woken by the trigger, to take its call id. */
    static final long WINDOW_MS = 300;
    enum Race { NOTES_LATE, CLEARS_LATE }

    /** The race the test appenders widen. */
    static volatile Race race;
    /** Widened windows apply only from here on (not while the leader starts). */
    static volatile boolean widen;
    /** The trigger race: the follower whose appender clears late, and the one whose appender stalls. */
    static volatile String widenedFollower;
    static volatile String stalledFollower;
    static volatile boolean stall;

    @TempDir
    Path dir;

    private BareRatis ratis;
    private final AtomicLong callIds = new AtomicLong();

    @BeforeEach
    void open() {
        widen = false;
        stall = false;
        widenedFollower = null;
        stalledFollower = null;
        ratis = new BareRatis(dir);
    }

    @AfterEach
    void close() {
        widen = false;
        stall = false;
        ratis.close();
    }

    @Test
    void stockRoundsCanMissTheirHeartbeat() throws Exception {
        RaftServer.Division leader = leader(61, Race.NOTES_LATE, Stock.class);
        widen = true;
        CompletableFuture<RaftClientReply> read = read(leader);
        assertThrows(TimeoutException.class, () -> read.get(5, TimeUnit.SECONDS),
                "Ratis' ReadIndex round got the heartbeat it triggered although the appender took the call id "
                        + "first: Ratis notes the call id before triggering now; delete ReadRoundLogAppender");
    }

    @Test
    void aRoundGetsItsHeartbeatWhenTheAppenderTookTheCallIdFirst() throws Exception {
        RaftServer.Division leader = leader(71, Race.NOTES_LATE, Fixed.class);
        widen = true;
        RaftClientReply reply = read(leader).get(5, TimeUnit.SECONDS); // a scheduled heartbeat is 12.5 s away
        assertTrue(reply.isSuccess(), reply::toString);
    }

    @Test
    void stockRoundsCanLoseTheirTriggerToAnOlderRequest() throws Exception {
        RaftServer.Division leader = leader(81, Race.CLEARS_LATE, Stock.class);
        CompletableFuture<RaftClientReply> second = secondRound(leader);
        assertThrows(TimeoutException.class, () -> second.get(5, TimeUnit.SECONDS),
                "Ratis' ReadIndex round got a heartbeat although its trigger was cleared by an older request: "
                        + "delete ReadRoundLogAppender");
    }

    @Test
    void aRoundGetsItsHeartbeatWhenAnOlderRequestClearedItsTrigger() throws Exception {
        RaftServer.Division leader = leader(91, Race.CLEARS_LATE, Fixed.class);
        RaftClientReply reply = secondRound(leader).get(5, TimeUnit.SECONDS);
        assertTrue(reply.isSuccess(), reply::toString);
    }

    /**
     * The trigger race: follower B's appender clears its trigger a window after taking a call id. A first round
     * triggers both followers and completes on A's reply (A heartbeats every 50 ms meanwhile) while B's request
     * for it is still in the window, so B's trigger is still set. Then A stops answering (its appender stalls) and a second round starts: it needs
     * B, its trigger on B finds the flag set, and it notes the call id after the one B took.
     */
    private CompletableFuture<RaftClientReply> secondRound(RaftServer.Division leader)
            throws Exception {
        List<String> followers = leader.getGroup().getPeers().stream().map(p -> p.getId().toString())
                .filter(id -> !id.equals(leader.getId().toString())).sorted().toList();
        stalledFollower = followers.get(0);
        widenedFollower = followers.get(1);
        widen = true;
        RaftClientReply first = read(leader).get(WINDOW_MS * 2 / 3, TimeUnit.MILLISECONDS); // on A's reply
        assertTrue(first.isSuccess(), first::toString);
        stall = true;
        return read(leader);
    }

    /** Three voters at 127.0.23.{host}..+2 with {@code rpcType}'s appenders; returns the ready leader. */
    private RaftServer.Division leader(int host, Race widened, Class<? extends RpcType> rpcType) throws Exception {
        race = widened;
        List<RaftPeer> peers = List.of(BareRatis.peer("w" + host, host, RaftPeerRole.FOLLOWER),
                BareRatis.peer("w" + (host + 1), host + 1, RaftPeerRole.FOLLOWER),
                BareRatis.peer("w" + (host + 2), host + 2, RaftPeerRole.FOLLOWER));
        RaftGroup group = RaftGroup.valueOf(ratis.groupId, peers);
        List<RaftServer.Division> divisions = new ArrayList<>();
        for (RaftPeer p : peers) {
            divisions.add(ratis.start(p, group, ReadIndexRoundPerReadTest.Answering::new, props -> {
                RaftServerConfigKeys.Read.setOption(props, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
                RaftServerConfigKeys.Read.setLeaderLeaseEnabled(props, false);
                BareRatis.slowHeartbeats(props, rpcType, p == peers.get(0));
            }));
        }
        RaftServer.Division[] leader = new RaftServer.Division[1];
        BareRatis.await("a ready leader", () -> {
            leader[0] = divisions.stream().filter(d -> d.getInfo().isLeaderReady()).findFirst().orElse(null);
            return leader[0] != null;
        });
        RaftClientReply first = read(leader[0]).get(30, TimeUnit.SECONDS);
        assertTrue(first.isSuccess(), "a read before any window is widened: " + first);
        Thread.sleep(500); // every appender idle again, its trigger spent
        return leader[0];
    }

    private CompletableFuture<RaftClientReply> read(RaftServer.Division leader)
            throws IOException {
        RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(ClientId.randomId())
                .setServerId(leader.getId()).setGroupId(leader.getGroup().getGroupId())
                .setCallId(callIds.incrementAndGet()).setMessage(Message.valueOf("read"))
                .setType(RaftClientRequest.readRequestType()).build();
        return leader.getRaftServer().submitClientRequestAsync(request);
    }

    /** The call-id race: a round notes the call id a window after its trigger. */
    static void noteLate() {
        if (widen && race == Race.NOTES_LATE) {
            sleep(WINDOW_MS);
        }
    }

    /** The trigger race: B's requests go out a window after they are made; A's stall once asked to. */
    static AppendEntriesRequestProto clearLate(LogAppender appender, AppendEntriesRequestProto made) {
        String follower = appender.getFollowerId().toString();
        if (race != Race.CLEARS_LATE) {
            return made;
        } else if (widen && follower.equals(widenedFollower)) {
            sleep(WINDOW_MS);
        } else if (stall && follower.equals(stalledFollower)) {
            sleep(10_000);
        }
        return made;
    }

    /**
     * In the trigger race, A heartbeats every 50 ms until it stalls, so the first round completes on A's reply
     * even when it misses the heartbeat it triggered on A (the other race, which this test is not about).
     */
    static long quickHeartbeats(LogAppender appender, long stockWaitMs) {
        if (race == Race.CLEARS_LATE && widen && !stall && appender.getFollowerId().toString().equals(stalledFollower)) {
            return Math.min(stockWaitMs, 50 - appender.getFollower().getLastHeartbeatSendTime().elapsedTimeMs());
        }
        return stockWaitMs;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every ReadIndex read gets a round, as in a node. */
    static LogAppender roundPerRead(LeaderState state, LogAppender appender) {
        ReadIndexRoundPerRead.install(state);
        return appender;
    }

    /** Stock rounds, with the race {@link #race} widened. */
    public static final class Stock extends BareRatis.AppenderRpcType {
        public Stock() {
            super((s, l, f) -> roundPerRead(l, new SnapshotFallbackLogAppender(s, l, f) {
                @Override
                public long getCallId() {
                    noteLate();
                    return super.getCallId();
                }

                @Override
                public AppendEntriesRequestProto newAppendEntriesRequest(long callId, boolean heartbeat)
                        throws RaftLogIOException {
                    return clearLate(this, super.newAppendEntriesRequest(callId, heartbeat));
                }

                @Override
                public long getHeartbeatWaitTimeMs() {
                    return quickHeartbeats(this, super.getHeartbeatWaitTimeMs());
                }
            }));
        }
    }

    /** {@link ReadRoundLogAppender}, with the race {@link #race} widened. */
    public static final class Fixed extends BareRatis.AppenderRpcType {
        public Fixed() {
            super((s, l, f) -> roundPerRead(l, new ReadRoundLogAppender(s, l, f) {
                @Override
                public long getCallId() {
                    noteLate();
                    return super.getCallId();
                }

                @Override
                public AppendEntriesRequestProto newAppendEntriesRequest(long callId, boolean heartbeat)
                        throws RaftLogIOException {
                    return clearLate(this, super.newAppendEntriesRequest(callId, heartbeat));
                }

                @Override
                public long getHeartbeatWaitTimeMs() {
                    return quickHeartbeats(this, super.getHeartbeatWaitTimeMs());
                }
            }));
        }
    }
}

package io.raftlite.core.membership;

import io.raftlite.core.membership.JoinRequest.Outcome;
import io.raftlite.core.membership.JoinRequest.Reply;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.SetConfigurationException;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a flood or a stuck change costs the leader's {@link JoinQueue}: a change lost over and over answers its
 * joiners RETRY after {@code MAX_LOST_IN_A_ROW} attempts, a newer request of the same node answers the older one
 * at once, and no more than {@link JoinQueue#MAX_WAITING} joins wait. The leader is a stand-in: one voter, a
 * stable configuration, and a {@code setConfiguration} the test scripts.
 */
@Timeout(60)
class JoinQueueBoundsTest {

    private final List<CompletableFuture<RaftClientReply>> calls = new CopyOnWriteArrayList<>();
    /** One permit per {@code setConfiguration} call, so a test waits for the call itself. */
    private final Semaphore called = new Semaphore(0);
    private JoinQueue queue;

    @AfterEach
    void close() {
        if (queue != null) {
            queue.close();
        }
    }

    private JoinQueue queue(Function<Integer, CompletableFuture<RaftClientReply>> answer) {
        Function<SetConfigurationRequest.Arguments, CompletableFuture<RaftClientReply>> setConfiguration = args -> {
            CompletableFuture<RaftClientReply> f = answer.apply(calls.size());
            calls.add(f);
            called.release();
            return f;
        };
        queue = new JoinQueue(JoinQueueBoundsTest::loneVoterLeader, setConfiguration, Duration.ofSeconds(30));
        return queue;
    }

    private static byte[] join(String id) {
        return new JoinRequest(id, "127.0.0.1:4002", true).encode();
    }

    private static Reply reply(CompletableFuture<byte[]> f) throws Exception {
        return JoinRequest.decodeReply(f.get(20, TimeUnit.SECONDS));
    }

    private static CompletableFuture<RaftClientReply> lost() {
        return CompletableFuture.failedFuture(new SetConfigurationException("the configuration changed"));
    }

    @Test
    void aChangeLostOverAndOverAnswersRetry() throws Exception {
        queue(n -> lost());
        Reply r = reply(queue.submit(join("j1")));
        assertEquals(Outcome.RETRY, r.outcome());
        assertTrue(r.reason().startsWith("membership change failed"), r.reason());
        assertEquals(26, queue.changes(), "computed again 25 times after the first loss, then given up");
    }

    @Test
    void aNewerRequestOfTheSameNodeAnswersTheOlderAtOnce() throws Exception {
        CompletableFuture<RaftClientReply> first = new CompletableFuture<>();
        queue(n -> n == 0 ? first : new CompletableFuture<>());
        CompletableFuture<byte[]> older = queue.submit(join("j1"));
        awaitCalls(1);
        CompletableFuture<byte[]> newer = queue.submit(join("j1")); // waits for the next change
        first.completeExceptionally(new SetConfigurationException("the configuration changed"));
        Reply r = reply(older);
        assertEquals(Outcome.RETRY, r.outcome());
        assertTrue(r.reason().startsWith("superseded by a newer join request of j1"), r.reason());
        awaitCalls(1);
        assertFalse(newer.isDone(), "the newer request is in the next change");

        CompletableFuture<byte[]> waiting = queue.submit(join("j2"));
        CompletableFuture<byte[]> again = queue.submit(join("j2")); // both before any change takes j2
        Reply s = reply(waiting);
        assertTrue(s.reason().startsWith("superseded by a newer join request of j2"), s.reason());
        assertFalse(again.isDone());
    }

    @Test
    void atMostMaxWaitingJoinsWait() throws Exception {
        queue(n -> new CompletableFuture<>()); // the first change never ends: every later join waits
        CompletableFuture<byte[]> inFlight = queue.submit(join("first"));
        awaitCalls(1);
        List<CompletableFuture<byte[]>> waiting = new ArrayList<>();
        for (int i = 0; i < JoinQueue.MAX_WAITING; i++) {
            waiting.add(queue.submit(join("n" + i)));
        }
        Reply refused = reply(queue.submit(join("one-too-many")));
        assertEquals(Outcome.RETRY, refused.outcome());
        assertEquals(JoinQueue.MAX_WAITING + " joins are waiting already", refused.reason());
        assertTrue(waiting.stream().noneMatch(CompletableFuture::isDone), "the waiting ones still wait");
        assertFalse(inFlight.isDone());
        CompletableFuture<byte[]> renewal = queue.submit(join("n7")); // a waiting node may still renew its request
        assertTrue(reply(waiting.get(7)).reason().startsWith("superseded"));
        assertFalse(renewal.isDone());
        assertEquals(1, calls.size(), "one change in flight, none started for the waiting joins");
    }

    /** Waits for {@code n} more {@code setConfiguration} calls. */
    private void awaitCalls(int n) throws InterruptedException {
        assertTrue(called.tryAcquire(n, 20, TimeUnit.SECONDS), "timed out waiting for a membership change");
    }

    // ---- a leader of one voter, "v", with a stable configuration

    private static final RaftPeer VOTER = RaftPeer.newBuilder().setId("v").setAddress("127.0.0.1:1").build();

    private static RaftServer.Division loneVoterLeader() {
        DivisionInfo info = proxy(DivisionInfo.class, (name, args) -> name.equals("isLeader") ? Boolean.TRUE : null);
        RaftConfiguration conf = proxy(RaftConfiguration.class, (name, args) -> switch (name) {
            case "getPreviousPeers" -> List.of();
            case "getCurrentPeers" -> args[0] == RaftPeerRole.FOLLOWER ? List.of(VOTER) : List.of();
            case "getPeer" -> ((RaftPeerId) args[0]).equals(VOTER.getId())
                    && Arrays.asList((Object[]) args[1]).contains(RaftPeerRole.FOLLOWER) ? VOTER : null;
            default -> null;
        });
        return proxy(RaftServer.Division.class, (name, args) -> switch (name) {
            case "getInfo" -> info;
            case "getRaftConf" -> conf;
            default -> null;
        });
    }

    private interface Answer {
        Object answer(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            if (m.getDeclaringClass() == Object.class) {
                return switch (m.getName()) {
                    case "equals" -> p == args[0];
                    case "hashCode" -> System.identityHashCode(p);
                    default -> type.getSimpleName() + " stand-in";
                };
            }
            Object a = answer.answer(m.getName(), args);
            if (a == null && m.getReturnType().isPrimitive() && m.getReturnType() != void.class) {
                throw new UnsupportedOperationException(m.getName());
            }
            return a;
        }));
    }
}

package io.raftlite.core.workaround;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The canary of {@link NotReadyStreamReset}: a one-node group whose leader stays not ready (its state machine
 * holds the leader's first configuration entry) until the client's retry policy sees the refusal; the policy
 * resends only after such a refusal, as raftlite's does for writes.
 */
@Timeout(60)
class NotReadyStreamResetTest {

    @TempDir
    Path dir;

    @Test
    void stockResendsOnTheStreamTheRefusalEnded() throws Exception {
        AtomicInteger refusals = new AtomicInteger();
        Throwable failure = firstWrite(false, 101, refusals);
        assertNotNull(failure, "stock Ratis resent the refused write on a live stream: delete NotReadyStreamReset");
        Throwable cause = failure;
        while (cause != null && !(cause instanceof AlreadyClosedException)) {
            cause = cause.getCause();
        }
        assertInstanceOf(AlreadyClosedException.class, cause, "stock Ratis fails the resend otherwise now");
        assertTrue(cause.getMessage().endsWith(" is closed."), "the resend was refused before it was sent: " + cause);
        assertEquals(1, refusals.get(), "one refusal, then the resend on the dead stream");
    }

    @Test
    void theResendAfterAResetReachesTheReadyLeader() throws Exception {
        AtomicInteger refusals = new AtomicInteger();
        Throwable failure = firstWrite(true, 102, refusals);
        if (failure != null) {
            fail("the resend failed", failure);
        }
        assertTrue(refusals.get() >= 1, "the leader refused the first attempt");
    }

    /** Sends one write to a just-elected leader; answers its failure, or null when it succeeded. */
    private Throwable firstWrite(boolean reset, int host, AtomicInteger refusals) throws Exception {
        HeldReady machine = new HeldReady();
        try (BareRatis ratis = new BareRatis(dir)) {
            RaftPeer peer = BareRatis.peer("n" + host, host, RaftPeerRole.FOLLOWER);
            RaftGroup group = RaftGroup.valueOf(ratis.groupId, peer);
            RaftServer.Division leader = ratis.start(peer, group, () -> machine, p -> { });
            BareRatis.await("a leader", () -> leader.getInfo().isLeader());
            RetryPolicy bounded = RetryPolicies.retryUpToMaximumCountWithFixedSleep(10,
                    TimeDuration.valueOf(100, TimeUnit.MILLISECONDS));
            RetryPolicy onlyRefusals = event -> {
                if (!(unwrap(event.getCause()) instanceof LeaderNotReadyException)) {
                    return RetryPolicy.NO_RETRY_ACTION;
                }
                refusals.incrementAndGet();
                machine.release.countDown(); // ready from now on: only the stream can fail the resend
                return bounded.handleAttemptFailure(event);
            };
            AtomicReference<RaftClient> built = new AtomicReference<>();
            try (RaftClient client = RaftClient.newBuilder().setProperties(new RaftProperties())
                    .setRaftGroup(group).setLeaderId(peer.getId())
                    .setRetryPolicy(reset ? NotReadyStreamReset.around(onlyRefusals, built::get) : onlyRefusals)
                    .build()) {
                built.set(client);
                RaftClientReply reply = client.async().send(Message.valueOf("x")).get(30, TimeUnit.SECONDS);
                assertTrue(reply.isSuccess(), String.valueOf(reply));
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            }
        } finally {
            machine.release.countDown();
        }
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Holds the first configuration entry it is told of (a new leader's) until released: the leader is not ready. */
    static final class HeldReady extends BaseStateMachine {
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void notifyConfigurationChanged(long term, long index, RaftConfigurationProto configuration) {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

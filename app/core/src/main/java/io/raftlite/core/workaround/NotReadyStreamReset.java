package io.raftlite.core.workaround;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.retry.ClientRetryEvent;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.retry.RetryPolicy;

import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * WORKAROUND for Ratis 3.3.0 (no upstream issue found): a {@code LeaderNotReadyException} reply ends the async
 * gRPC stream it came on, and the client resends on that dead stream. Delete when
 * {@code NotReadyStreamResetTest.stockResendsOnTheStreamTheRefusalEnded} fails.
 *
 * <p>In {@code GrpcClientProtocolClient.AsyncStreamObservers} a reply that carries {@code LeaderNotReadyException}
 * fails every request waiting on the stream and closes its reply map, but the stream object stays in place: the
 * next request on it fails before it is sent ({@code AlreadyClosedException: ... is closed.}). {@code
 * RaftClientImpl.handleIOException} resets the connection after most failures, but returns early for this one. A
 * just-elected leader answers writes this way until it has applied its first entry, so the first write after an
 * election failed on its resend: raftlite never resends a write after {@code AlreadyClosedException} (it cannot
 * tell a request never sent from one whose reply was lost), so the caller got 503 for a write that was refused,
 * not lost (BootstrapTest, one run in 25 on a loaded machine).
 *
 * <p>{@link #around} resets the client's connection to the refusing server when the wrapped policy retries after
 * such a refusal, before the resend is scheduled, through Ratis' public {@code RaftClientRpc.handleException}
 * (what {@code handleIOException} does for a {@code NotLeaderException}). One reply fails all the requests waiting
 * on the stream with the same exception object, so the connection is reset once per refusal, not once per
 * request. The resend keeps its client and call id, so the leader's retry cache sees it as the same request.
 */
public final class NotReadyStreamReset {

    private NotReadyStreamReset() {
    }

    /** {@code policy}, which also resets {@code client}'s connection after a refusal it retries. */
    public static RetryPolicy around(RetryPolicy policy, Supplier<RaftClient> client) {
        AtomicReference<Throwable> lastReset = new AtomicReference<>();
        return new RetryPolicy() {
            @Override
            public Action handleAttemptFailure(Event event) {
                Action action = policy.handleAttemptFailure(event);
                Throwable cause = unwrap(event.getCause());
                RaftClient c = client.get();
                if (action.shouldRetry() && cause instanceof LeaderNotReadyException && c != null
                        && event instanceof ClientRetryEvent e && lastReset.getAndSet(cause) != cause) {
                    c.getClientRpc().handleException(e.getRequest().getServerId(), cause, true);
                }
                return action;
            }

            @Override
            public String toString() {
                return policy + " (resetting the stream a LeaderNotReadyException ended)";
            }
        };
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}

package io.raftlite.core.store;

import io.raftlite.core.workaround.NotReadyStreamReset;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.client.retry.ClientRetryEvent;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.ResourceUnavailableException;
import org.apache.ratis.protocol.exceptions.ServerNotReadyException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The long-lived gRPC {@link RaftClient}s a node uses to reach the other members, built over the current
 * configuration (real peer ids) and rebuilt when the membership changes; a replaced client is closed after a
 * grace period so requests in flight on it can finish.
 *
 * <p>Two clients: {@code client} carries writes and leader reads (async API); {@code direct} carries only
 * server-addressed stale reads (the node-metadata RPC) through the blocking API on {@link #blocking}
 * threads, with few retries and a short per-RPC timeout.
 *
 * <p>{@code client} is built for the leader this node knows, with that leader as its only peer, and is rebuilt
 * when the node learns of another one, and after a request on it failed ({@link #closesWindow}). Over all
 * members, Ratis' client picked a random other member after an {@code AlreadyClosedException} - which
 * followed every {@code LeaderNotReadyException} from a just-elected leader, because that reply ends the
 * client's gRPC stream (now reset before the resend: {@link NotReadyStreamReset}) - and so often went back to
 * the deposed leader,
 * which (paused or cut off) held the request for the whole request timeout. With one peer it reconnects to
 * the leader and retries there; a {@code NotLeaderException} still names the real leader and its peers. A
 * fresh client also keeps replies from the new leader out of the old client's ordered window, where they
 * waited behind the request to the deposed one. In 3.2.2 an async (ordered) stale read addressed
 * to the leader never completed in our tests; the blocking API sends it on an unordered stream, which works.
 */
final class ClusterClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterClient.class);
    static final TimeDuration RETRY_SLEEP = TimeDuration.valueOf(100, TimeUnit.MILLISECONDS);
    private static final Duration DIRECT_RPC_TIMEOUT = Duration.ofSeconds(3);
    /** Replaced clients kept open for their requests in flight; beyond this the oldest are closed at once. */
    private static final int MAX_RETIRED = 16;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final RaftTransport transport;
    private final RaftGroupId groupId;
    private final Duration requestTimeout;
    private final long messageSizeMax;
    private String key;
    /** The leader this node knew when {@code client} was last asked to reach it (a change rebuilds the client). */
    private RaftPeerId leader;
    private RaftClient client;
    private RaftClient direct;
    private final List<RaftClient> retired = new java.util.ArrayList<>();
    private boolean closed;
    private final ExecutorService blocking = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "raftlite-direct-rpc-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    /** @param messageSizeMax the largest gRPC message sent or accepted (a forwarded write is one message) */
    ClusterClient(RaftTransport transport, RaftGroupId groupId, Duration requestTimeout, long messageSizeMax) {
        this.transport = transport;
        this.groupId = groupId;
        this.requestTimeout = requestTimeout;
        this.messageSizeMax = messageSizeMax;
    }

    /** Sends a write through the leader; the client follows NotLeaderException to the real leader. */
    CompletableFuture<byte[]> write(Collection<RaftPeer> peers, RaftPeerId leaderHint, byte[] bytes) {
        return call(peers, leaderHint, false, c -> c.async().send(message(bytes)));
    }

    /** A linearizable (ReadIndex) read sent to the leader. */
    CompletableFuture<byte[]> readLinearizable(Collection<RaftPeer> peers, RaftPeerId leaderHint, byte[] bytes) {
        return call(peers, leaderHint, false, c -> c.async().sendReadOnly(message(bytes)));
    }

    /** Runs a read on the leader without ReadIndex (the leader queries its state machine directly). */
    CompletableFuture<byte[]> readOnLeader(Collection<RaftPeer> peers, RaftPeerId leaderHint, byte[] bytes) {
        return call(peers, leaderHint, false, c -> c.async().sendReadOnlyNonLinearizable(message(bytes)));
    }

    /** A stale read answered by {@code target} itself, whatever its role. */
    CompletableFuture<byte[]> staleRead(Collection<RaftPeer> peers, RaftPeerId target, byte[] bytes) {
        return call(peers, null, true, c -> CompletableFuture.supplyAsync(() -> {
            try {
                return c.io().sendStaleRead(message(bytes), 0, target);
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, blocking));
    }

    private CompletableFuture<byte[]> call(Collection<RaftPeer> peers, RaftPeerId leaderHint, boolean addressed,
                                           Function<RaftClient, CompletableFuture<RaftClientReply>> request) {
        try {
            RaftClient c = clientFor(peers, leaderHint, addressed);
            CompletableFuture<RaftClientReply> reply = request.apply(c);
            if (!addressed) {
                reply = reply.whenComplete((r, t) -> {
                    if (t != null && closesWindow(t)) {
                        discard(c);
                    }
                });
            }
            return reply.thenApply(RaftReplies::contentOrThrow);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Whether this failure of an async request closed the client's ordered window for good. Ratis' ordered
     * async API fails a request it will not retry (with our retry policy: every write after a timeout, a closed
     * stream or {@code NotLeaderException}) through {@code SlidingWindow.Client.fail}, which keeps the exception
     * and fails every later request on that client at once with {@code AlreadyClosedException}: the client is
     * dead until it is rebuilt. It was rebuilt only when the leader or the membership changed, so one such
     * failure right after an election (a just-elected leader's {@code LeaderNotReadyException} ends the stream;
     * the resend meets {@code AlreadyClosedException}) made every later write through this follower a 503 until
     * the next election (LeaderPauseIT: no write through the follower for 40 s). The exception such a failure
     * carries is the cause itself on a first attempt (a {@code NotLeaderException}, a timeout) or
     * {@code RaftRetryFailureException}/{@code AlreadyClosedException} later, so it cannot tell; only a state
     * machine's refusal, carried by a reply, is known to leave the window open. Rebuilding after any other
     * failure costs one client per failure while failures last; at most {@link #MAX_RETIRED} replaced ones
     * stay open.
     */
    static boolean closesWindow(Throwable t) {
        return !(RaftReplies.unwrap(t) instanceof StateMachineException);
    }

    /** Forgets {@code c} if it is still the leader client, so that the next request builds a fresh one. */
    private synchronized void discard(RaftClient c) {
        if (c == client) {
            key = null;
        }
    }

    private synchronized RaftClient clientFor(Collection<RaftPeer> peers, RaftPeerId leaderHint, boolean addressed) {
        if (closed) {
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "store is closed", null);
        }
        String newKey = peers.stream().map(p -> p.getId() + "=" + p.getAddress()).sorted()
                .collect(Collectors.joining(","));
        if (!addressed && leaderHint != null && !leaderHint.equals(leader)) {
            key = null; // a new leader: see the class comment
            leader = leaderHint;
        }
        if (client == null || !newKey.equals(key)) {
            List<RaftClient> old = client == null ? List.of() : List.of(client, direct);
            RaftGroup group = RaftGroup.valueOf(groupId, List.copyOf(peers));
            List<RaftPeer> toLeader = peers.stream().filter(p -> p.getId().equals(leader)).toList();
            AtomicReference<RaftClient> built = new AtomicReference<>();
            client = transport.client(toLeader.isEmpty() ? group : RaftGroup.valueOf(groupId, toLeader), leader,
                    requestTimeout, NotReadyStreamReset.around(retryPolicy(), built::get), messageSizeMax);
            built.set(client);
            direct = transport.client(group, null, requestTimeout.compareTo(DIRECT_RPC_TIMEOUT) < 0 ? requestTimeout
                    : DIRECT_RPC_TIMEOUT, RetryPolicies.retryUpToMaximumCountWithFixedSleep(2, RETRY_SLEEP));
            key = newKey;
            if (!old.isEmpty()) {
                retired.addAll(old);
                while (retired.size() > MAX_RETIRED) { // failures in a burst: the oldest go first
                    RaftClient evicted = retired.remove(0);
                    CompletableFuture.runAsync(() -> closeQuietly(evicted)); // a close may wait for its channel
                }
                CompletableFuture.delayedExecutor(requestTimeout.toMillis() * 2, TimeUnit.MILLISECONDS)
                        .execute(() -> retire(old));
            }
        }
        return addressed ? direct : client;
    }

    /**
     * Bounded so that a request to an unreachable cluster gives up instead of retrying forever; and a write is
     * never resent after a {@code NotLeaderException} (see {@link #resendsWrite}).
     */
    private RetryPolicy retryPolicy() {
        int attempts = (int) Math.max(3, requestTimeout.toMillis() / RETRY_SLEEP.toLong(TimeUnit.MILLISECONDS));
        RetryPolicy bounded = RetryPolicies.retryUpToMaximumCountWithFixedSleep(attempts, RETRY_SLEEP);
        return event -> resendsWrite(event) ? bounded.handleAttemptFailure(event) : RetryPolicy.NO_RETRY_ACTION;
    }

    /**
     * Whether the client may send a request again after this failure: a read always (it changes nothing); a
     * write only after a refusal that guarantees the server did not append it (a leader not ready yet or
     * stepping down, a server not running yet, too many requests pending). Never after a
     * {@code NotLeaderException}: a leader that steps down fails its pending requests that way, also those it
     * had appended and replicated, which the next leader may still commit; nor after a timeout or a closed
     * stream, where the first copy may be in the log. Ratis' client resends with the same call id, but the
     * retry cache does not always catch it (the fault suite saw an insert sent once applied twice, once at two
     * indexes of one leader's term, once at the next leader), so the write fails instead: 503, outcome unknown,
     * as a write to a deposed leader does.
     */
    static boolean resendsWrite(RetryPolicy.Event event) {
        if (!(event instanceof ClientRetryEvent e) || e.getRequest().getType().isReadOnly()) {
            return true;
        }
        Throwable t = event.getCause();
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof LeaderNotReadyException || t instanceof LeaderSteppingDownException
                || t instanceof ServerNotReadyException || t instanceof ResourceUnavailableException;
    }

    private synchronized void retire(List<RaftClient> old) {
        if (retired.removeAll(old)) {
            old.forEach(ClusterClient::closeQuietly);
        }
    }

    /** Wraps {@code bytes} without a copy (a write may be megabytes): the caller never changes them afterwards. */
    static Message message(byte[] bytes) {
        return Message.valueOf(UnsafeByteOperations.unsafeWrap(bytes));
    }

    static void closeQuietly(RaftClient c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing a Raft client failed", e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        blocking.shutdownNow();
        retired.forEach(ClusterClient::closeQuietly);
        retired.clear();
        if (client != null) {
            closeQuietly(client);
            closeQuietly(direct);
            client = null;
            direct = null;
        }
    }
}

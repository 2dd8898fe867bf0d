package io.raftlite.core.membership;

import io.raftlite.core.store.StoreException;
import io.raftlite.core.store.RaftTransport;
import io.raftlite.core.store.RaftReplies;

import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.ReconfigurationInProgressException;
import org.apache.ratis.protocol.exceptions.SetConfigurationException;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Removes a member (rqlite's {@code DELETE /remove}) from any node: a compare-and-set {@code setConfiguration}
 * computed from this node's view of the configuration, sent through a Raft client that follows NotLeader to
 * the leader. A stale view fails the compare and is retried once this node has caught up.
 * <ul>
 *   <li>An id that is not a member fails with NOT_FOUND at once.</li>
 *   <li>The only voter cannot be removed (INVALID): the group would have nobody to commit anything.</li>
 *   <li>Removing the leader first hands leadership to another voter (once, bounded), so the rest do not wait an
 *       election timeout; if that fails the leader is removed anyway (Ratis' leader steps down once the
 *       configuration without it commits).</li>
 * </ul>
 * The removed node is not told; if it still runs it stops hearing from the leader (its pre-votes are refused
 * while the others have a leader) and should be stopped.
 */
public final class Remover {

    private static final Logger LOG = LoggerFactory.getLogger(Remover.class);

    private static final Duration MAX_RPC_TIMEOUT = Duration.ofSeconds(5);
    private static final RetryPolicy RETRY =
            RetryPolicies.retryUpToMaximumCountWithFixedSleep(3, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS));

    private final RaftTransport transport;
    private final Supplier<RaftServer.Division> division;
    private final Duration retryInterval;

    Remover(RaftTransport transport, Supplier<RaftServer.Division> division, Duration retryInterval) {
        this.transport = transport;
        this.division = division;
        this.retryInterval = retryInterval;
    }

    /** Blocks until the configuration without {@code nodeId} is committed, or fails with a {@link StoreException}. */
    void remove(String nodeId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        RaftPeerId id = RaftPeerId.valueOf(nodeId);
        boolean transferTried = false;
        String lastError = "no attempt made";
        while (true) {
            RaftServer.Division d = division.get();
            if (d == null) {
                throw new StoreException(StoreException.Reason.UNAVAILABLE, "store is not running", null);
            }
            RaftConfiguration conf = d.getRaftConf();
            RaftPeerId leader = d.getInfo().getLeaderId();
            List<RaftPeer> voters = List.copyOf(conf.getCurrentPeers(RaftPeerRole.FOLLOWER));
            List<RaftPeer> listeners = List.copyOf(conf.getCurrentPeers(RaftPeerRole.LISTENER));
            boolean isVoter = voters.stream().anyMatch(p -> p.getId().equals(id));
            boolean stable = conf.getPreviousPeers(RaftPeerRole.FOLLOWER).isEmpty()
                    && conf.getPreviousPeers(RaftPeerRole.LISTENER).isEmpty();
            if (stable && !isVoter && listeners.stream().noneMatch(p -> p.getId().equals(id))) {
                throw new StoreException(StoreException.Reason.NOT_FOUND, "node " + nodeId + " is not a member", null);
            }
            if (stable && isVoter && voters.size() == 1) {
                throw new StoreException(StoreException.Reason.INVALID,
                        "node " + nodeId + " is the only voter and cannot be removed", null);
            }
            if (leader == null) {
                lastError = "leader not found";
            } else if (stable) {
                try {
                    if (id.equals(leader) && !transferTried) {
                        transferTried = true;
                        handOver(d, voters, leader, id, deadline);
                        continue;
                    }
                    send(d, voters, listeners, leader, id, deadline);
                    LOG.info("removed node {} from the cluster", nodeId);
                    return;
                } catch (IOException | RuntimeException e) {
                    if (e instanceof StoreException s && s.reason() != StoreException.Reason.NOT_LEADER
                            && s.reason() != StoreException.Reason.NO_LEADER) {
                        throw s;
                    }
                    lastError = e.getMessage() == null ? e.toString() : e.getMessage();
                    LOG.debug("removing {} failed, retrying: {}", nodeId, lastError);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new StoreException(lastError.startsWith("leader not found") ? StoreException.Reason.NO_LEADER
                        : StoreException.Reason.TIMEOUT, "removing " + nodeId + " timed out: " + lastError, null);
            }
            long jittered = (long) (retryInterval.toMillis() * (0.5 + ThreadLocalRandom.current().nextDouble()));
            Thread.sleep(Math.max(1, jittered));
        }
    }

    private void send(RaftServer.Division d, List<RaftPeer> voters, List<RaftPeer> listeners, RaftPeerId leader,
                      RaftPeerId id, long deadline) throws IOException {
        SetConfigurationRequest.Arguments args = ConfChange.compareAndSet(voters, listeners,
                voters.stream().filter(p -> !p.getId().equals(id)).toList(),
                listeners.stream().filter(p -> !p.getId().equals(id)).toList());
        RaftClientReply reply;
        try (RaftClient client = client(d, leader, deadline)) {
            reply = client.admin().setConfiguration(args);
        }
        if (!reply.isSuccess()) {
            Throwable e = reply.getException();
            if (e instanceof SetConfigurationException || e instanceof ReconfigurationInProgressException
                    || e instanceof NotLeaderException) {
                throw new IOException(e.getMessage(), e); // a stale view or a change in flight: retry
            }
            RaftReplies.successOrThrow(reply);
        }
    }

    /**
     * A short-lived client over this node's view of the members, starting with the leader (it follows
     * NotLeader); each call is bounded by a few RPCs of at most {@link #MAX_RPC_TIMEOUT}, so a removal never
     * outlives its deadline by much.
     */
    RaftClient client(RaftServer.Division d, RaftPeerId leader, long deadline) {
        long left = Math.max(200, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        Duration rpc = Duration.ofMillis(Math.min(left, MAX_RPC_TIMEOUT.toMillis()));
        return transport.client(RaftGroup.valueOf(d.getMemberId().getGroupId(), ConfChange.members(d)), leader, rpc,
                RETRY);
    }

    /** Asks the leader to hand leadership to another voter; best effort, the removal goes on either way. */
    private void handOver(RaftServer.Division d, List<RaftPeer> voters, RaftPeerId leader, RaftPeerId id, long deadline) {
        Optional<RaftPeer> target = voters.stream().filter(p -> !p.getId().equals(id)).findFirst();
        if (target.isEmpty()) {
            return;
        }
        long ms = Math.max(500, Math.min(3_000, (deadline - System.nanoTime()) / 2_000_000));
        try (RaftClient client = client(d, leader, deadline)) {
            RaftClientReply reply = client.admin().transferLeadership(target.get().getId(), ms);
            LOG.info("removing leader {}: leadership transfer to {}: {}", id, target.get().getId(),
                    reply.isSuccess() ? "done" : String.valueOf(reply.getException()));
        } catch (IOException | RuntimeException e) {
            LOG.info("removing leader {}: leadership transfer failed, removing it anyway: {}", id, e.toString());
        }
    }
}

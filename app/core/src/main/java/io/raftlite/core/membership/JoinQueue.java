package io.raftlite.core.membership;

import io.raftlite.core.membership.JoinRequest.Outcome;
import io.raftlite.core.membership.JoinRequest.Reply;
import io.raftlite.core.store.RaftReplies;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.ReconfigurationInProgressException;
import org.apache.ratis.protocol.exceptions.SetConfigurationException;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The leader's side of folded joins: the joins that arrive while a membership change is in flight go into the
 * next change together, one compare-and-set from the leader's own configuration, instead of one change per
 * joiner with the losers of each compare-and-set trying again (16 nodes joining one voter at once took 6.0 s
 * that way, 118 lost compare-and-sets). A join that arrives with nothing in flight starts a change at once.
 *
 * <p>Each change adds every waiting listener and as many waiting voters as Ratis accepts in one change (its
 * {@code changeMajority} rule: fewer new voters than old ones, or one to a lone voter); the other voters wait
 * for the next change. A change that loses its compare-and-set to another (the voter balancer's) or finds one
 * in progress is computed again after {@link #PAUSE} (up to {@link #MAX_LOST_IN_A_ROW} times in a row); any other
 * failure answers its joiners RETRY with the reason (their {@link Joiner} asks again). A join waits at most {@link #WAIT}, and at most {@link #MAX_WAITING}
 * joins wait (more are answered RETRY at once): the requests come from the network.
 *
 * <p>Who may ask: anyone who may use the Raft port's client protocol; with node identities, a node for its own
 * id only ({@code store.AdminGuard}), the same rule as for a configuration change it sends itself. Thread-safe;
 * the changes are computed on one thread of its own.
 */
final class JoinQueue implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JoinQueue.class);
    static final int MAX_WAITING = 256;
    static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration PAUSE = Duration.ofMillis(20);
    /** Lost compare-and-sets in a row after which the joiners are answered RETRY (and ask again) instead. */
    private static final int MAX_LOST_IN_A_ROW = 25;

    private record Waiter(RaftPeer peer, CompletableFuture<byte[]> reply) {
    }

    private final Supplier<RaftServer.Division> division;
    private final Function<SetConfigurationRequest.Arguments, CompletableFuture<RaftClientReply>> setConfiguration;
    private final Duration changeTimeout;
    private final Map<RaftPeerId, Waiter> waiting = new LinkedHashMap<>();
    private final AtomicLong changes = new AtomicLong();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "raft-join-queue");
        t.setDaemon(true);
        return t;
    });
    private boolean running;
    /** Changes lost to another in a row (only the queue's thread reads and writes it). */
    private int lostInARow;

    JoinQueue(Supplier<RaftServer.Division> division,
              Function<SetConfigurationRequest.Arguments, CompletableFuture<RaftClientReply>> setConfiguration,
              Duration changeTimeout) {
        this.division = division;
        this.setConfiguration = setConfiguration;
        this.changeTimeout = changeTimeout;
    }

    /** The encoded {@link Reply} to the join request in {@code bytes}; never fails. */
    CompletableFuture<byte[]> submit(byte[] bytes) {
        Optional<JoinRequest> request = JoinRequest.decode(bytes);
        if (request.isEmpty()) {
            return done(Outcome.REFUSED, "malformed join request");
        }
        RaftPeer peer = request.get().peer();
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        Waiter superseded;
        synchronized (this) {
            if (waiting.size() >= MAX_WAITING && !waiting.containsKey(peer.getId())) {
                return done(Outcome.RETRY, MAX_WAITING + " joins are waiting already");
            }
            reply.completeOnTimeout(encode(Outcome.RETRY, "no membership change took this join within "
                    + WAIT.toSeconds() + " s"), WAIT.toMillis(), TimeUnit.MILLISECONDS);
            superseded = waiting.put(peer.getId(), new Waiter(peer, reply));
            if (!running) {
                running = true;
                schedule(Duration.ZERO);
            }
        }
        if (superseded != null) {
            superseded.reply().complete(encode(Outcome.RETRY, "superseded by a newer join request of " + peer.getId()));
        }
        return reply;
    }

    /** How many configuration changes this queue has asked Ratis for (tests). */
    long changes() {
        return changes.get();
    }

    private void schedule(Duration delay) {
        try {
            thread.schedule(this::round, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            failAll("the node is closing");
        }
    }

    /** One change: the waiting joins that fit, against the leader's current configuration. */
    private void round() {
        RaftServer.Division d = division.get();
        if (d == null || !d.getInfo().isLeader()) {
            failAll(d == null ? "the store is not running" : "this node is not the leader");
            return;
        }
        if (!ConfChange.stable(d)) { // another change is half done: wait for it, while anyone still waits
            synchronized (this) {
                waiting.values().removeIf(w -> w.reply().isDone());
                if (waiting.isEmpty()) {
                    running = false;
                    return;
                }
            }
            schedule(PAUSE);
            return;
        }
        RaftConfiguration conf = d.getRaftConf();
        List<RaftPeer> voters = List.copyOf(conf.getCurrentPeers(RaftPeerRole.FOLLOWER));
        List<RaftPeer> listeners = List.copyOf(conf.getCurrentPeers(RaftPeerRole.LISTENER));
        List<Waiter> batch = new ArrayList<>();
        List<Waiter> answered = new ArrayList<>();
        List<RaftPeer> newVoters = new ArrayList<>(voters);
        List<RaftPeer> newListeners = new ArrayList<>(listeners);
        synchronized (this) {
            for (Iterator<Waiter> it = waiting.values().iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (w.reply().isDone() || find(conf, w.peer().getId()).isPresent()) {
                    it.remove();
                    answered.add(w);
                }
            }
            for (RaftPeer p : nextChange(voters.size(), waiting.values().stream().map(Waiter::peer).toList())) {
                batch.add(waiting.remove(p.getId()));
                (p.getStartupRole() == RaftPeerRole.LISTENER ? newListeners : newVoters).add(p);
            }
            if (batch.isEmpty()) {
                running = false;
            }
        }
        for (Waiter w : answered) {
            Optional<RaftPeer> member = find(conf, w.peer().getId());
            if (member.isPresent() && member.get().getAddress().equals(w.peer().getAddress())) {
                w.reply().complete(encode(Outcome.JOINED, w.peer().getId() + " is a member"));
            } else if (member.isPresent()) {
                w.reply().complete(encode(Outcome.RETRY, w.peer().getId() + " is a member at "
                        + member.get().getAddress()));
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        changes.incrementAndGet();
        List<String> ids = batch.stream().map(w -> w.peer().getId().toString()).toList();
        if (lostInARow == 0) {
            LOG.info("adding {} in one membership change ({} voters, {} listeners before)", ids, voters.size(),
                    listeners.size());
        } else {
            LOG.debug("adding {} again after {} lost compare-and-set(s)", ids, lostInARow);
        }
        CompletableFuture<RaftClientReply> change;
        try {
            change = setConfiguration.apply(ConfChange.compareAndSet(voters, listeners, newVoters, newListeners));
        } catch (RuntimeException e) {
            change = CompletableFuture.failedFuture(e);
        }
        change.orTimeout(changeTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((reply, t) -> {
                    try {
                        thread.execute(() -> finish(batch, reply, t));
                    } catch (RejectedExecutionException e) {
                        batch.forEach(w -> w.reply().complete(encode(Outcome.RETRY, "the node is closing")));
                    }
                });
    }

    /**
     * The joiners among {@code waiting} (in their order) that go into the next change of a configuration with
     * {@code voters} voters: every listener, and the voters Ratis takes in one change
     * ({@link ConfChange#votersAddable}).
     */
    static List<RaftPeer> nextChange(int voters, List<RaftPeer> waiting) {
        int votersAllowed = ConfChange.votersAddable(voters);
        List<RaftPeer> next = new ArrayList<>();
        int votersAdded = 0;
        for (RaftPeer p : waiting) {
            if (p.getStartupRole() == RaftPeerRole.LISTENER) {
                next.add(p);
            } else if (votersAdded < votersAllowed) {
                next.add(p);
                votersAdded++;
            }
        }
        return next;
    }

    private void finish(List<Waiter> batch, RaftClientReply reply, Throwable t) {
        Throwable failure = t != null ? RaftReplies.unwrap(t) : reply.isSuccess() ? null : reply.getException();
        if (failure == null) {
            lostInARow = 0;
            batch.forEach(w -> w.reply().complete(encode(Outcome.JOINED, w.peer().getId() + " joined")));
            next(Duration.ZERO);
            return;
        }
        boolean lost = failure instanceof SetConfigurationException || failure instanceof ReconfigurationInProgressException;
        if (lost && ++lostInARow <= MAX_LOST_IN_A_ROW) {
            LOG.debug("membership change lost to another, computing it again: {}", failure.toString());
            List<Waiter> superseded = new ArrayList<>();
            synchronized (this) {
                for (Waiter w : batch) {
                    if (!w.reply().isDone() && waiting.putIfAbsent(w.peer().getId(), w) != null) {
                        superseded.add(w);
                    }
                }
            }
            superseded.forEach(w -> w.reply().complete(encode(Outcome.RETRY, "superseded by a newer join request of "
                    + w.peer().getId())));
            next(PAUSE);
            return;
        }
        lostInARow = 0;
        String why = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        LOG.info("membership change for {} joiner(s) failed: {}", batch.size(), why);
        batch.forEach(w -> w.reply().complete(encode(Outcome.RETRY, "membership change failed: " + why)));
        next(PAUSE);
    }

    private void next(Duration delay) {
        synchronized (this) {
            if (waiting.isEmpty()) {
                running = false;
                return;
            }
        }
        schedule(delay);
    }

    private void failAll(String why) {
        List<Waiter> all;
        synchronized (this) {
            all = new ArrayList<>(waiting.values());
            waiting.clear();
            running = false;
        }
        all.forEach(w -> w.reply().complete(encode(Outcome.RETRY, why)));
    }

    private static Optional<RaftPeer> find(RaftConfiguration conf, RaftPeerId id) {
        return Optional.ofNullable(conf.getPeer(id, RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER));
    }

    private static CompletableFuture<byte[]> done(Outcome outcome, String why) {
        return CompletableFuture.completedFuture(encode(outcome, why));
    }

    private static byte[] encode(Outcome outcome, String why) {
        return JoinRequest.encode(new Reply(outcome, why));
    }

    @Override
    public void close() {
        thread.shutdownNow();
        failAll("the node is closing");
    }
}

package io.raftlite.core.store;

import io.raftlite.core.membership.JoinRequest;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.raftlite.core.store.ClusterTestSupport.WAIT;
import static io.raftlite.core.store.ClusterTestSupport.await;
import static io.raftlite.core.store.ClusterTestSupport.awaitCounter;
import static io.raftlite.core.store.ClusterTestSupport.execute;
import static io.raftlite.core.store.ClusterTestSupport.freePort;
import static io.raftlite.core.store.ClusterTestSupport.listeners;
import static io.raftlite.core.store.ClusterTestSupport.settledVoters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Joins that arrive at the leader together go into one membership change ({@code membership.JoinQueue}); the
 * queue's input is the network's, and a leader of an older version, which cannot read a join request, still
 * gets its joiners (in-process stores on 127.0.0.90-98).
 */
@Timeout(300)
class FoldedJoinTest {

    private static final String CLUSTER = "folded-join-test";

    @TempDir
    Path dir;

    private final List<RaftStore> stores = new ArrayList<>();
    private final java.util.Map<String, String> addresses = new java.util.concurrent.ConcurrentHashMap<>();

    @AfterEach
    void closeAll() {
        ClusterTestSupport.closeAll(stores);
    }

    @Test
    void listenersJoiningTogetherGoInFewerChangesThanJoiners() throws Exception {
        RaftStore leader = bootstrap(1);
        int joiners = 8;
        List<RaftStore> waiting = new ArrayList<>();
        for (int i = 2; i < 2 + joiners; i++) {
            waiting.add(started(i, 1));
        }
        String target = addressOf(leader);
        ExecutorService pool = Executors.newFixedThreadPool(joiners);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> joins = new ArrayList<>();
            for (RaftStore s : waiting) {
                joins.add(pool.submit(() -> {
                    go.await();
                    s.join(List.of(target), true, WAIT, Duration.ofMillis(500));
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : joins) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Set<String> ids = IntStream.range(2, 2 + joiners).mapToObj(i -> "n" + i).collect(Collectors.toSet());
        await("every joiner is a listener", () -> listeners(leader).equals(ids));
        assertEquals(Set.of("n1"), settledVoters(leader));
        long changes = leader.foldedJoinChanges();
        assertTrue(changes >= 1 && changes < joiners, joiners + " joins took " + changes + " membership changes");
        execute(leader, "CREATE TABLE counter (n INTEGER)");
        execute(leader, "INSERT INTO counter VALUES (7)");
        for (RaftStore s : waiting) {
            awaitCounter(s, 7);
        }
    }

    /**
     * A joiner asks as a voter when the cluster lacks voters for its size; here the requests are sent directly, as
     * such joiners do. Whether they arrive together or not, Ratis takes one new voter beside a lone voter per
     * change ({@code JoinQueueTest} has the rule).
     */
    @Test
    void votersAskingTogetherAreBothAdded() throws Exception {
        RaftStore leader = bootstrap(3);
        started(2, 3);
        started(3, 3);
        List<CompletableFuture<JoinRequest.Reply>> asks = List.of(2, 3).stream().map(n -> CompletableFuture.supplyAsync(() -> {
            try {
                return ask(leader, new JoinRequest("n" + n, addresses.get("n" + n), false).encode());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        })).toList();
        for (CompletableFuture<JoinRequest.Reply> a : asks) {
            assertOutcome(JoinRequest.Outcome.JOINED, "joined", a.get());
        }
        await("three voters", () -> settledVoters(leader).equals(Set.of("n1", "n2", "n3")));
        assertTrue(leader.foldedJoinChanges() >= 2, "Ratis adds one voter to a lone voter at a time");
    }

    @Test
    void malformedOrStaleJoinRequestsChangeNothing() throws Exception {
        RaftStore leader = bootstrap(3);
        RaftStore listener = started(2, 3);
        listener.join(List.of(addressOf(leader)), false, WAIT, Duration.ofMillis(100));
        await("a voter and a listener", () -> settledVoters(leader).equals(Set.of("n1"))
                && listeners(leader).equals(Set.of("n2")));
        long before = leader.foldedJoinChanges();

        assertOutcome(JoinRequest.Outcome.REFUSED, "malformed", ask(leader, new byte[] {'J', 1, 0}));
        assertOutcome(JoinRequest.Outcome.REFUSED, "malformed", ask(leader, raw(9, "x", "127.0.0.99:1", 1, 0)));
        assertOutcome(JoinRequest.Outcome.REFUSED, "malformed", ask(leader, raw(1, "x".repeat(129), "127.0.0.99:1", 1, 0)));
        assertOutcome(JoinRequest.Outcome.REFUSED, "malformed", ask(leader, raw(1, "x", "127.0.0.99", 1, 0)));
        assertOutcome(JoinRequest.Outcome.REFUSED, "malformed", ask(leader, raw(1, "x", "127.0.0.99:70000", 1, 0)));
        assertOutcome(JoinRequest.Outcome.REFUSED, "malformed", ask(leader, raw(1, "x y", "127.0.0.99:1", 1, 0)));
        assertOutcome(JoinRequest.Outcome.REFUSED, "malformed", ask(leader, raw(1, "x", "127.0.0.99:1", 7, 0)));
        assertOutcome(JoinRequest.Outcome.REFUSED, "malformed", ask(leader, raw(1, "x", "127.0.0.99:1", 1, 1)));
        assertOutcome(JoinRequest.Outcome.RETRY, "is a member at",
                ask(leader, new JoinRequest("n2", "127.0.0.99:1", false).encode()));
        assertOutcome(JoinRequest.Outcome.JOINED, "is a member",
                ask(leader, new JoinRequest("n2", addressOf(listener), true).encode()));
        assertOutcome(JoinRequest.Outcome.RETRY, "not the leader",
                askMember(listener, new JoinRequest("n9", "127.0.0.99:1", true).encode()));

        assertEquals(before, leader.foldedJoinChanges());
        assertEquals(Set.of("n1"), settledVoters(leader));
        assertEquals(Set.of("n2"), listeners(leader));
        assertEquals(2, leader.nodes().size());
    }

    @Test
    void aLeaderThatCannotReadJoinRequestsStillGetsItsJoiners() throws Exception {
        RaftStore leader = bootstrap(3);
        leader.onJoinRequest(request -> CompletableFuture.failedFuture(
                new IllegalArgumentException("not a read message"))); // what a node of an older version answers
        RaftStore joiner = started(2, 3);
        joiner.join(List.of(addressOf(leader)), true, Duration.ofSeconds(20), Duration.ofMillis(100));
        await("n2 is a listener", () -> listeners(leader).equals(Set.of("n2")));
        assertEquals(0, leader.foldedJoinChanges());
    }

    private static void assertOutcome(JoinRequest.Outcome outcome, String reason, JoinRequest.Reply reply) {
        assertEquals(outcome, reply.outcome(), reply.reason());
        assertTrue(reply.reason().contains(reason), reply.reason());
    }

    /** A join request as the bytes may come: version, id, address, role byte, extra bytes. */
    private static byte[] raw(int version, String id, String address, int role, int extra) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte('J');
            out.writeByte(version);
            out.writeUTF(id);
            out.writeUTF(address);
            out.writeByte(role);
            for (int i = 0; i < extra; i++) {
                out.writeByte(0);
            }
        }
        return bytes.toByteArray();
    }

    private static JoinRequest.Reply ask(RaftStore leader, byte[] request) throws IOException {
        try (RaftClient c = client(leader)) {
            return decode(c.io().sendReadOnlyNonLinearizable(ClusterClient.message(request)));
        }
    }

    private static JoinRequest.Reply askMember(RaftStore member, byte[] request) throws IOException {
        try (RaftClient c = client(member)) {
            return decode(c.io().sendStaleRead(ClusterClient.message(request), 0,
                    RaftPeerId.valueOf(member.status().nodeId())));
        }
    }

    private static JoinRequest.Reply decode(RaftClientReply reply) throws IOException {
        assertTrue(reply.isSuccess(), String.valueOf(reply.getException()));
        return JoinRequest.decodeReply(reply.getMessage().getContent().toByteArray());
    }

    private static RaftClient client(RaftStore s) {
        RaftPeer peer = RaftPeer.newBuilder().setId(s.status().nodeId()).setAddress(addressOf(s)).build();
        RaftProperties properties = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(15, TimeUnit.SECONDS));
        return RaftClient.newBuilder().setProperties(properties)
                .setRaftGroup(RaftGroup.valueOf(RaftPropertiesFactory.groupId(CLUSTER), peer))
                .setRetryPolicy(RetryPolicies.noRetry()).build();
    }

    private static String addressOf(RaftStore s) {
        String id = s.status().nodeId();
        return s.nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow().address();
    }

    private StoreConfig config(int n, int maxVoters) throws IOException {
        String host = "127.0.0." + (89 + n);
        String addr = host + ":" + freePort(host);
        addresses.put("n" + n, addr);
        return new StoreConfig("n" + n, addr, addr, dir.resolve("n" + n), CLUSTER, 10_000, 1 << 20, 2,
                Duration.ofSeconds(10), "http://" + host + ":4001")
                .withMembership(new StoreConfig.Membership(maxVoters, false, Duration.ZERO, Duration.ZERO,
                        Duration.ofMillis(100)));
    }

    private RaftStore bootstrap(int maxVoters) throws Exception {
        RaftStore s = new RaftStore(config(1, maxVoters), StoreTestSupport.OPENER, p -> { });
        stores.add(s);
        s.start(true);
        assertTrue(s.awaitReady(WAIT));
        return s;
    }

    private RaftStore started(int n, int maxVoters) throws Exception {
        RaftStore s = new RaftStore(config(n, maxVoters), StoreTestSupport.OPENER, p -> { });
        stores.add(s);
        s.start(false);
        return s;
    }
}

package io.raftlite.server.e2e;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGSTOP to a node of a three-node cluster (127.0.24.1-3), the way a partition looks from the others: the
 * paused process keeps its connections open and answers nothing.
 *
 * <p>Leader paused while clients write, and read at {@code strong} and {@code linearizable}, on every node:
 * writes are acknowledged again at the new leader and through the other follower once it is elected (they
 * stalled for the whole apply timeout, 10 s, behind a write forwarded to the paused leader); every failure
 * meanwhile is a 503 or rqlite's timeout shape, and the survivors log no stack trace for it. Both followers
 * paused: the leader stops calling itself {@code Leader} in {@code /status} and fails {@code /readyz}. The
 * times are printed (measured, not asserted).
 */
class LeaderPauseIT extends ProcessFixture {

    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(40);

    /** One answer a client saw: when it was asked and arrived, from which node, for what, whether it succeeded. */
    private record Answer(long asked, long at, NodeProcess node, String what, boolean ok) {
    }

    @Test
    void writesResumeAtTheNewLeaderAndThroughTheOtherFollower() throws Exception {
        startCluster();
        NodeProcess leader = awaitLeader(null);
        List<Answer> answers = new CopyOnWriteArrayList<>();
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ids = new AtomicLong();
        List<Thread> clients = new ArrayList<>();
        for (NodeProcess node : nodes) {
            clients.add(client(node, "write", stop, () -> node.post("/db/execute",
                    "[\"INSERT INTO t VALUES(" + ids.incrementAndGet() + ")\"]"), answers, outcomes, failures));
            clients.add(client(node, "strong", stop, () -> node.post("/db/query?level=strong",
                    "[\"SELECT count(*) FROM t\"]"), answers, outcomes, failures));
            clients.add(client(node, "linearizable", stop, () -> node.get(
                    "/db/query?level=linearizable&q=SELECT+count(*)+FROM+t"), answers, outcomes, failures));
        }
        awaitAnswers(answers, 30);
        long paused = System.nanoTime();
        leader.pause();
        NodeProcess newLeader;
        NodeProcess follower;
        try {
            newLeader = awaitLeader(leader);
            long elected = System.nanoTime();
            follower = nodes.stream().filter(n -> n != leader && n != newLeader).findFirst().orElseThrow();
            Answer atLeader = awaitFirst(answers, newLeader, "write", paused);
            Answer throughFollower = awaitFirst(answers, follower, "write", paused);
            Answer strongAtLeader = awaitFirst(answers, newLeader, "strong", paused);
            Answer strongThroughFollower = awaitFirst(answers, follower, "strong", paused);
            System.out.printf("LeaderPauseIT: pause -> new leader %d ms; first acknowledged write at it %s ms,"
                            + " through the follower %s ms; first strong read at it %s ms, through the follower %s ms%n",
                    ms(elected - paused), since(atLeader, paused), since(throughFollower, paused),
                    since(strongAtLeader, paused), since(strongThroughFollower, paused));
            assertNotNull(atLeader, "no write acknowledged at the new leader within 40 s of the pause");
            assertNotNull(throughFollower, "no write acknowledged through the follower within 40 s of the pause");
            assertNotNull(strongAtLeader, "no strong read answered at the new leader within 40 s of the pause");
        } finally {
            leader.resume();
            stop.set(true);
        }
        for (Thread t : clients) {
            t.join(60_000);
        }
        System.out.println("LeaderPauseIT: outcomes: " + new TreeMap<>(outcomes));
        assertTrue(failures.isEmpty(), "5xx other than 503: " + failures);
        for (NodeProcess n : List.of(newLeader, follower)) { // requests to the paused leader failed: expected
            List<String> traces = Files.readAllLines(n.log).stream().filter(l -> l.startsWith("\tat ")).toList();
            assertTrue(traces.isEmpty(), n.host + " logged a stack trace:\n" + n.logTail(80));
        }
    }

    @Test
    void aLeaderWithoutAMajoritySaysSoInStatusAndReadyz() throws Exception {
        startCluster();
        NodeProcess leader = awaitLeader(null);
        List<NodeProcess> followers = nodes.stream().filter(n -> n != leader).toList();
        long paused = System.nanoTime();
        for (NodeProcess f : followers) {
            f.pause();
        }
        long notLeader = -1;
        long notReady = -1;
        try {
            long deadline = paused + TimeUnit.SECONDS.toNanos(30);
            while ((notLeader < 0 || notReady < 0) && System.nanoTime() < deadline) {
                if (notLeader < 0 && !leader.get("/status").body().contains("\"state\":\"Leader\"")) {
                    notLeader = System.nanoTime();
                }
                if (notReady < 0 && leader.get("/readyz").statusCode() != 200) {
                    notReady = System.nanoTime();
                }
                TimeUnit.MILLISECONDS.sleep(20); // polling interval
            }
        } finally {
            for (NodeProcess f : followers) {
                f.resume();
            }
        }
        System.out.printf("LeaderPauseIT: both followers paused -> /status not Leader after %s ms,"
                + " /readyz failing after %s ms%n", notLeader < 0 ? "-" : ms(notLeader - paused),
                notReady < 0 ? "-" : ms(notReady - paused));
        assertTrue(notLeader > 0, "/status still says Leader 30 s after both followers were paused");
        assertTrue(notReady > 0, "/readyz still 200 30 s after both followers were paused");
        awaitLeader(null);
        assertEquals(200, leader.post("/db/execute", "[\"INSERT INTO t VALUES(1)\"]").statusCode());
    }

    private void startCluster() throws Exception {
        NodeProcess n1 = NodeProcess.start("127.0.24.1", tmp.resolve("n1"), "-node-id", "n1");
        nodes.add(n1);
        String join = "127.0.24.1:" + n1.raftPort;
        nodes.add(NodeProcess.start("127.0.24.2", tmp.resolve("n2"), "-node-id", "n2", "-join", join));
        nodes.add(NodeProcess.start("127.0.24.3", tmp.resolve("n3"), "-node-id", "n3", "-join", join));
        awaitLeader(null);
        assertEquals(200, n1.post("/db/execute", "[\"CREATE TABLE t(x)\"]").statusCode());
    }

    @FunctionalInterface
    private interface Call {
        HttpResponse<String> send() throws Exception;
    }

    private static Thread client(NodeProcess node, String what, AtomicBoolean stop, Call call, List<Answer> answers,
                                 Map<String, Integer> outcomes, List<String> failures) {
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                long asked = System.nanoTime();
                try {
                    HttpResponse<String> r = call.send();
                    boolean ok = r.statusCode() == 200 && !r.body().contains("\"error\"");
                    answers.add(new Answer(asked, System.nanoTime(), node, what, ok));
                    outcomes.merge(what + " " + (ok ? "ok" : r.statusCode() == 200 ? "200 error" : r.statusCode()),
                            1, Integer::sum);
                    if (r.statusCode() >= 500 && r.statusCode() != 503) {
                        failures.add(what + " at " + node.host + " -> " + r.statusCode() + " " + r.body());
                    }
                } catch (Exception e) {
                    outcomes.merge(what + " " + e.getClass().getSimpleName(), 1, Integer::sum);
                }
            }
        }, what + "@" + node.host);
        t.start();
        return t;
    }

    /** The first success for {@code what} at {@code node} asked after {@code since}, or null after 40 s. */
    private static Answer awaitFirst(List<Answer> answers, NodeProcess node, String what, long since)
            throws InterruptedException {
        long deadline = since + DEADLINE_NANOS;
        while (System.nanoTime() < deadline) {
            for (Answer a : answers) {
                if (a.node() == node && a.what().equals(what) && a.ok() && a.asked() > since) {
                    return a;
                }
            }
            TimeUnit.MILLISECONDS.sleep(10); // polling interval
        }
        return null;
    }

    private static void awaitAnswers(List<Answer> answers, int count) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (answers.stream().filter(Answer::ok).count() < count && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10); // polling interval
        }
    }

    private static String since(Answer a, long start) {
        return a == null ? "-" : Long.toString(ms(a.at() - start));
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}

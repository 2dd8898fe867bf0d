package io.raftlite.server.faults;

import io.raftlite.server.faults.Linearizability.Op;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The clients of one trial, each sending to a random node: insert workers add rows with ids unique over the
 * whole run to {@code ins} (no constraint, so a duplicate would show); register workers read (at
 * {@code linearizable} or {@code strong}), write and compare-and-set the trial's keys in {@code reg}. A write
 * answered with anything but a clean 200 (timeout, connection error, 5xx, 503, a 200 with an error) is
 * indeterminate: it may or may not have happened. A read without a clean answer is dropped (it changed nothing).
 */
final class Workload {

    static final String SCHEMA = "[\"CREATE TABLE IF NOT EXISTS ins (id INTEGER, trial INTEGER)\","
            + "\"CREATE TABLE IF NOT EXISTS reg (k INTEGER PRIMARY KEY, v INTEGER)\"]";
    private static final Pattern ROWS = Pattern.compile("\"rows_affected\":(\\d+)");
    private static final Pattern VALUE = Pattern.compile("\"values\":\\[\\[(-?\\d+)\\]\\]");
    private static final AtomicLong IDS = new AtomicLong();
    private static final AtomicLong VALUES = new AtomicLong();

    private final FaultCluster cluster;
    private final int trial;
    private final long seed;
    private final Duration timeout;
    final List<Integer> keys = new ArrayList<>();
    private final Map<Integer, ConcurrentLinkedQueue<Op>> histories = new HashMap<>();
    private final Map<Integer, AtomicLong> hints = new HashMap<>();
    final Set<Long> ackedInserts = ConcurrentHashMap.newKeySet();
    /** Acknowledged writes: {call, return (System.nanoTime), index of the node that answered}. */
    final ConcurrentLinkedQueue<long[]> acks = new ConcurrentLinkedQueue<>();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong indeterminate = new AtomicLong();
    /** indeterminate writes and reads without a clean answer */
    private final AtomicLong failures = new AtomicLong();
    /** the texts of 200-with-error answers, with how often each came */
    final Map<String, AtomicLong> errorTexts = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    Workload(FaultCluster cluster, int trial, long seed, Duration timeout, int keyCount) {
        this.cluster = cluster;
        this.trial = trial;
        this.seed = seed;
        this.timeout = timeout;
        for (int i = 0; i < keyCount; i++) {
            int k = trial * 100 + i;
            keys.add(k);
            histories.put(k, new ConcurrentLinkedQueue<>());
            hints.put(k, new AtomicLong());
        }
    }

    /** Creates the trial's registers (value 0) through the leader, retrying until acknowledged. */
    void setup(FaultNode leader) throws IOException, InterruptedException {
        StringBuilder sql = new StringBuilder("[");
        for (int k : keys) {
            sql.append(sql.length() > 1 ? "," : "").append("\"INSERT INTO reg(k, v) VALUES(").append(k).append(", 0)\"");
        }
        String body = sql.append("]").toString();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                UnixHttp.Response r = cluster.send(leader, "POST", "/db/execute", SCHEMA, Duration.ofSeconds(10));
                if (r.status() == 200 && !r.body().contains("\"error\"")) {
                    r = cluster.send(leader, "POST", "/db/execute", body, Duration.ofSeconds(10));
                    if (r.status() == 200 && !r.body().contains("\"error\"")) {
                        return;
                    }
                }
            } catch (IOException e) {
                // retried below
            }
            Thread.sleep(200); // retry interval
        }
        throw new AssertionError("trial " + trial + ": could not create its registers within 60 s");
    }

    void start(int insertWorkers, int registerWorkers) {
        for (int i = 0; i < insertWorkers + registerWorkers; i++) {
            Random rnd = new Random(seed * 31 + trial * 1000L + i);
            boolean inserts = i < insertWorkers;
            Thread t = new Thread(() -> loop(rnd, inserts), "client-" + trial + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Stops the clients; each finishes the request it is in (bounded by the request timeout). */
    void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(timeout.toMillis() + 10_000);
        }
    }

    private void loop(Random rnd, boolean inserts) {
        while (!stop.get()) {
            FaultNode node = cluster.nodes.get(rnd.nextInt(cluster.nodes.size()));
            requests.incrementAndGet();
            long before = failures.get();
            if (inserts) {
                insert(node);
            } else {
                register(node, rnd);
            }
            if (failures.get() != before) {
                pause(); // a client backs off after a failure rather than spin on a node that refuses fast
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void insert(FaultNode node) {
        long id = IDS.incrementAndGet();
        long call = System.nanoTime();
        Long rows = execute(node, "[[\"INSERT INTO ins(id, trial) VALUES(?, ?)\", " + id + ", " + trial + "]]");
        if (rows != null && rows == 1) {
            ackedInserts.add(id);
            acks.add(new long[]{call, System.nanoTime(), cluster.nodes.indexOf(node)});
        }
    }

    private void register(FaultNode node, Random rnd) {
        int k = keys.get(rnd.nextInt(keys.size()));
        int choice = rnd.nextInt(10);
        long call = System.nanoTime();
        if (choice < 4) {
            String level = rnd.nextBoolean() ? "linearizable" : "strong";
            Long v = read(node, level, k);
            if (v != null) {
                histories.get(k).add(Op.read(v, call, System.nanoTime()));
                hints.get(k).set(v);
            }
            return;
        }
        long value = VALUES.incrementAndGet();
        if (choice < 7) {
            Long rows = execute(node, "[[\"UPDATE reg SET v=? WHERE k=?\", " + value + ", " + k + "]]");
            record(k, rows == null ? Op.write(value, call, Long.MAX_VALUE) : Op.write(value, call, System.nanoTime()),
                    rows != null && rows == 1, call, node);
            return;
        }
        long expected = hints.get(k).get();
        Long rows = execute(node, "[[\"UPDATE reg SET v=? WHERE k=? AND v=?\", " + value + ", " + k + ", " + expected + "]]");
        Op op = rows == null ? Op.cas(expected, value, false, call, Long.MAX_VALUE)
                : Op.cas(expected, value, rows == 1, call, System.nanoTime());
        record(k, op, rows != null && rows == 1, call, node);
    }

    private void record(int k, Op op, boolean applied, long call, FaultNode node) {
        histories.get(k).add(op);
        if (applied) {
            hints.get(k).set(op.value());
            acks.add(new long[]{call, op.ret(), cluster.nodes.indexOf(node)});
        }
    }

    /** rows_affected of a clean 200, or null: indeterminate. */
    private Long execute(FaultNode node, String json) {
        try {
            UnixHttp.Response r = cluster.send(node, "POST", "/db/execute", json, timeout);
            if (r.status() == 200) {
                Matcher m = ROWS.matcher(r.body());
                if (!r.body().contains("\"error\"") && m.find()) {
                    return Long.parseLong(m.group(1));
                }
                errorTexts.computeIfAbsent(r.body().strip(), t -> new AtomicLong()).incrementAndGet();
            }
        } catch (IOException e) {
            // indeterminate
        }
        indeterminate.incrementAndGet();
        failures.incrementAndGet();
        return null;
    }

    private Long read(FaultNode node, String level, int k) {
        try {
            UnixHttp.Response r = cluster.send(node, "POST", "/db/query?level=" + level,
                    "[[\"SELECT v FROM reg WHERE k=?\", " + k + "]]", timeout);
            Matcher m = VALUE.matcher(r.body());
            if (r.status() == 200 && !r.body().contains("\"error\"") && m.find()) {
                return Long.parseLong(m.group(1));
            }
        } catch (IOException e) {
            // a read without an answer changed nothing
        }
        failures.incrementAndGet();
        return null;
    }

    Map<Integer, List<Op>> histories() {
        Map<Integer, List<Op>> out = new HashMap<>();
        histories.forEach((k, q) -> out.put(k, new ArrayList<>(q)));
        return out;
    }

    /** Nanoseconds from {@code from} to the first acknowledged write called at or after it, or -1. */
    long firstAckAfter(long from) {
        return acks.stream().filter(a -> a[0] >= from).mapToLong(a -> a[1] - from).min().orElse(-1);
    }

    /**
     * How many nodes acknowledged no write called at or after {@code from} (a node that stays unable to take
     * writes after the cluster recovered, such as one whose forwarding to the leader broke).
     */
    int nodesWithoutAckAfter(long from) {
        Set<Long> acked = new HashSet<>();
        acks.stream().filter(a -> a[0] >= from).forEach(a -> acked.add(a[2]));
        return cluster.nodes.size() - acked.size();
    }

    long acknowledgedWrites() {
        return acks.size();
    }

    int trial() {
        return trial;
    }
}

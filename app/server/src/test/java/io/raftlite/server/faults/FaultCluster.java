package io.raftlite.server.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * N nodes in their namespaces, formed with {@code -bootstrap-expect N}. Every request the suite sends goes
 * through {@link #send}, which tallies any 5xx other than 503. A poller reads every node's {@code /status}
 * about every 100 ms for as long as the cluster runs and records each leader claim (term, node): two nodes
 * claiming the leadership of one term is split brain.
 */
final class FaultCluster implements AutoCloseable {

    private static final Pattern STATE = Pattern.compile("\"state\":\"([A-Za-z]+)\"");
    private static final Pattern TERM = Pattern.compile("\"term\":(\\d+)");
    private static final Pattern APPLIED = Pattern.compile("\"applied_index\":(\\d+)");
    private static final Pattern COMMIT = Pattern.compile("\"commit_index\":(\\d+)");
    private static final Pattern LEADER = Pattern.compile("\"leader\":\\{\"node_id\":\"([^\"]*)\"");

    final Netns net;
    final List<FaultNode> nodes = new ArrayList<>();
    /** term -> node ids that claimed to lead it (from /status). */
    private final Map<Long, Set<String>> claims = new ConcurrentHashMap<>();
    /** node id -> its last /status reading. */
    private final Map<String, Status> last = new ConcurrentHashMap<>();
    final List<String> serverErrors = new CopyOnWriteArrayList<>();
    private volatile boolean polling = true;
    private final Thread poller;

    /** {@code leader}: the node id this node names as leader ("" when it knows none). */
    record Status(String state, long term, long commit, long applied, String leader) {
    }

    private FaultCluster(Netns net) {
        this.net = net;
        this.poller = new Thread(this::poll, "status-poller");
        this.poller.setDaemon(true);
    }

    /** Starts {@code size} nodes, waits until every one is ready, then starts the status poller. */
    static FaultCluster start(int size, Path dir, List<String> extraArgs) throws Exception {
        FaultCluster c = new FaultCluster(Netns.create(size));
        try {
            String join = String.join(",", java.util.stream.IntStream.rangeClosed(1, size)
                    .mapToObj(i -> Netns.ip(i) + ":" + FaultNode.RAFT_PORT).toList());
            for (int i = 1; i <= size; i++) {
                List<String> args = new ArrayList<>(List.of("-bootstrap-expect", Integer.toString(size), "-join", join));
                args.addAll(extraArgs);
                FaultNode n = new FaultNode(c.net, i, dir, args);
                c.nodes.add(n);
                n.launch();
            }
            for (FaultNode n : c.nodes) {
                n.awaitReady(Duration.ofSeconds(180));
            }
            c.poller.start();
            return c;
        } catch (Throwable t) {
            c.close();
            throw t;
        }
    }

    /** Sends a request to a node; a 5xx other than 503 is recorded (never hidden) and still returned. */
    UnixHttp.Response send(FaultNode n, String method, String path, String json, Duration timeout)
            throws IOException {
        UnixHttp.Response r = json == null ? UnixHttp.get(n.socket, path, timeout)
                : UnixHttp.exchange(n.socket, method, path, json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                timeout);
        if (r.status() >= 500 && r.status() != 503) {
            String body = r.body().length() > 300 ? r.body().substring(0, 300) + "..." : r.body();
            serverErrors.add(r.status() + " from " + n.id + " for " + method + " " + path
                    + (json == null ? "" : " " + abbreviate(json)) + ": " + body.strip());
        }
        return r;
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }

    private void poll() {
        while (polling) {
            for (FaultNode n : nodes) {
                if (!polling) {
                    return;
                }
                Status s = status(n, Duration.ofMillis(300));
                if (s == null) {
                    continue;
                }
                last.put(n.id, s);
                if ("Leader".equals(s.state())) {
                    claims.computeIfAbsent(s.term(), t -> ConcurrentHashMap.newKeySet()).add(n.id);
                }
            }
            try {
                Thread.sleep(100); // the poll interval, not a wait for a condition
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** A node's /status, or null when it does not answer in time. */
    Status status(FaultNode n, Duration timeout) {
        try {
            UnixHttp.Response r = send(n, "GET", "/status", null, timeout);
            if (r.status() != 200) {
                return null;
            }
            return new Status(find(STATE, r.body(), "?"), Long.parseLong(find(TERM, r.body(), "-1")),
                    Long.parseLong(find(COMMIT, r.body(), "-1")), Long.parseLong(find(APPLIED, r.body(), "-1")),
                    find(LEADER, r.body(), ""));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String find(Pattern p, String body, String otherwise) {
        Matcher m = p.matcher(body);
        return m.find() ? m.group(1) : otherwise;
    }

    /** Terms two or more nodes claimed to lead, with who claimed them. */
    Map<Long, Set<String>> splitBrain() {
        return claims.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    /** The node that answers /status as Leader now (asked directly), or null. */
    FaultNode leader() {
        FaultNode found = null;
        long bestTerm = -1;
        for (FaultNode n : nodes) {
            if (!n.isAlive()) {
                continue;
            }
            Status s = status(n, Duration.ofSeconds(2));
            if (s != null && "Leader".equals(s.state()) && s.term() > bestTerm) {
                found = n;
                bestTerm = s.term();
            }
        }
        return found;
    }

    /** Waits for a leader that every running node reports the same term for. */
    FaultNode awaitLeader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            FaultNode l = leader();
            if (l != null) {
                return l;
            }
            Thread.sleep(100); // poll interval
        }
        throw new AssertionError("no leader within " + timeout + "; statuses: " + last);
    }

    Status lastStatus(FaultNode n) {
        return last.get(n.id);
    }

    /** Every node's SQL dump (null for a node that did not answer), fetched at level none. */
    List<byte[]> dumps() {
        List<byte[]> out = new ArrayList<>();
        for (FaultNode n : nodes) {
            try {
                UnixHttp.Response r = send(n, "GET", "/db/backup?fmt=sql&level=none", null, Duration.ofSeconds(20));
                out.add(r.status() == 200 ? r.bytes() : null);
            } catch (IOException e) {
                out.add(null);
            }
        }
        return out;
    }

    static boolean identical(List<byte[]> dumps) {
        for (byte[] d : dumps) {
            if (d == null || !Arrays.equals(d, dumps.get(0))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        polling = false;
        poller.interrupt();
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (FaultNode n : nodes) {
            try {
                n.close();
            } catch (InterruptedException | RuntimeException e) {
                System.err.println("[faults] stopping " + n.id + ": " + e);
            }
        }
        net.close();
    }
}

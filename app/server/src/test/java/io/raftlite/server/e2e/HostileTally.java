package io.raftlite.server.e2e;

import io.raftlite.server.e2e.HostileRequest.Answer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * What one hostile run saw: requests per endpoint, a status-code histogram, every failure with its case,
 * request, answer and the node's log tail, process exits with their codes, and each node's peak RSS
 * (VmHWM, sampled while the suite runs). {@link #assertClean()} fails once, listing all of it.
 */
final class HostileTally implements AutoCloseable {

    /** Per case: failures listed with a log tail, and failures listed at all, so a bad run stays readable. */
    private static final int WITH_LOG = 2;
    private static final int LISTED = 8;

    private final String suite;
    private final long started = System.nanoTime();
    private final Map<String, LongAdder> perEndpoint = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> generated = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> histogram = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failuresPerCase = new ConcurrentHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> exits = new ArrayList<>();
    private final Map<String, Long> peakRssKiB = new ConcurrentHashMap<>();
    private final LongAdder serverErrors = new LongAdder();
    private final java.util.concurrent.atomic.AtomicInteger notSendable = new java.util.concurrent.atomic.AtomicInteger();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rss-sampler");
        t.setDaemon(true);
        return t;
    });

    HostileTally(String suite, Supplier<List<NodeProcess>> nodes) {
        this.suite = suite;
        sampler.scheduleAtFixedRate(() -> {
            try {
                nodes.get().forEach(this::sampleRss);
            } catch (RuntimeException e) { // the list changed under us: the next round reads it again
            }
        }, 0, 200, TimeUnit.MILLISECONDS);
    }

    /** Sends a request, counts it, and records a failure for a 5xx or no answer. */
    Answer send(String caseName, NodeProcess node, HostileRequest request, Duration timeout) throws InterruptedException {
        sampleRss(node);
        Answer a = request.sendTo(node, timeout);
        sampleRss(node);
        perEndpoint.computeIfAbsent(request.endpoint(), k -> new LongAdder()).increment();
        if (caseName.startsWith("fuzz ")) {
            generated.computeIfAbsent(request.endpoint(), k -> new LongAdder()).increment();
        }
        String bucket = a.status() == -1 ? "no answer" : a.status() == -2 ? "not sendable" : Integer.toString(a.status());
        histogram.computeIfAbsent(bucket, k -> new LongAdder()).increment();
        if (a.status() == -2 && notSendable.incrementAndGet() <= 5) { // the JDK client refused it; shown, not failed
            System.out.println("[hostile] not sendable (" + a.error() + "): " + request.describe());
        }
        if (a.serverError()) {
            serverErrors.increment();
            fail(caseName, node, request.describe() + "\n    -> " + a);
        } else if (a.status() == -1) {
            fail(caseName, node, request.describe() + "\n    -> " + a);
        }
        return a;
    }

    /**
     * Records a failure of this case on this node: the first {@link #WITH_LOG} of each case with the node's
     * log tail, up to {@link #LISTED} in one line, the rest only counted (the totals show how many).
     */
    void fail(String caseName, NodeProcess node, String what) {
        LongAdder count = failuresPerCase.computeIfAbsent(caseName, k -> new LongAdder());
        count.increment();
        long nth = count.sum();
        if (nth > LISTED) {
            return;
        }
        String line = "[" + caseName + "] on " + (node == null ? "-" : node.host + " pid " + node.pid()) + ": " + what;
        if (nth <= WITH_LOG && node != null) {
            line += "\n    log tail (stack frames left out):\n      " + logLines(node).replace("\n", "\n      ");
        }
        synchronized (failures) {
            failures.add(line);
        }
    }

    /** The node's last log lines that are not stack frames. */
    private static String logLines(NodeProcess node) {
        List<String> lines = node.logTail(400).lines()
                .filter(l -> !l.startsWith("\tat ") && !l.startsWith("\t... ") && !l.isBlank()).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    }

    /** True when the node runs; otherwise records its exit (code and log) as a failure of this case. */
    boolean alive(String caseName, NodeProcess node) {
        if (node.isAlive()) {
            return true;
        }
        String exit = node.host + " (" + node.dataDir.getFileName() + ") exited with " + node.exitCode() + " during ["
                + caseName + "]";
        synchronized (exits) {
            exits.add(exit);
        }
        fail(caseName, node, "process exited with code " + node.exitCode());
        return false;
    }

    void sampleRss(NodeProcess node) {
        long kib = node.vmHwmKiB();
        if (kib > 0) {
            peakRssKiB.merge(node.host + " " + node.dataDir.getFileName(), kib, Math::max);
        }
    }

    long failureCount() {
        return failuresPerCase.values().stream().mapToLong(LongAdder::sum).sum();
    }

    long serverErrors() {
        return serverErrors.sum();
    }

    /** Requests per endpoint, status histogram, 5xx count, exits, peak RSS and the run time. */
    String totals() {
        StringBuilder sb = new StringBuilder("==== ").append(suite).append(" totals ====\n");
        sb.append("generated (fuzz) requests per endpoint: ").append(sorted(generated)).append('\n');
        sb.append("all requests per endpoint (fuzz, named cases and checks): ").append(sorted(perEndpoint)).append('\n');
        sb.append("status codes: ").append(sorted(histogram)).append('\n');
        sb.append("5xx (must be 0): ").append(serverErrors.sum()).append('\n');
        synchronized (exits) {
            sb.append("process exits (must be 0): ").append(exits.size()).append(exits.isEmpty() ? "" : " " + exits)
                    .append('\n');
        }
        sb.append("RSS high-water mark (VmHWM) per node: ");
        new TreeMap<>(peakRssKiB).forEach((k, v) -> sb.append(k).append('=').append(v / 1024).append(" MiB  "));
        sb.append('\n').append("failures per case:\n");
        sorted(failuresPerCase).forEach((k, v) -> sb.append("  ").append(v).append("  ").append(k).append('\n'));
        sb.append("run time: ").append(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).append(" s\n");
        return sb.toString();
    }

    private static Map<String, Long> sorted(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Prints the totals and fails with every failure listed, if there was any. */
    void assertClean() {
        String totals = totals();
        System.out.println(totals);
        synchronized (failures) {
            if (!failures.isEmpty()) {
                long all = failuresPerCase.values().stream().mapToLong(LongAdder::sum).sum();
                throw new AssertionError(suite + ": " + all + " failure(s) in " + failuresPerCase.size() + " case(s) (seed "
                        + FuzzRequests.seed() + ")\n" + totals + "\n" + String.join("\n", failures));
            }
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}

package io.raftlite.server.e2e;

import io.raftlite.server.e2e.PoisonCases.PoisonCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Issue 12's hostile-input suite on one node: the real jar with the shipped {@code JAVA_OPTS}
 * ({@code -Xmx64m -XX:+ExitOnOutOfMemoryError}), a seeded fuzz of every data endpoint from 8 client threads,
 * then every named case of {@link PoisonCases} and {@link ReadAndEdgeCases}. After every batch and every
 * case the node must be alive and ready and take a write and a read; at the end it must stop on SIGTERM,
 * come back ready (replaying all it was sent) and leave nothing in its temp directory. Nothing here throws
 * early: one run lists every failure with its request, answer and log tail, then the totals.
 * Reproduce with {@code -Draftlite.fuzz.seed=N}; {@code -Draftlite.fuzz.requests=N} per endpoint
 * ({@code ./mvnw verify -Psoak} runs 10,000).
 */
class HostileInputIT {

    private static final int CLIENTS = 8;
    private static final int BATCH = 250;

    @TempDir
    Path tmp;

    @Test
    void noRequestBreaksTheNode() throws Exception {
        long started = System.nanoTime();
        try (HostileTarget target = new HostileTarget(tmp, "127.0.5.1");
             HostileTally tally = new HostileTally("HostileInputIT", () -> target.node() == null ? List.of()
                     : List.of(target.node()))) {
            target.start();
            fuzz(target, tally);
            List<PoisonCase> cases = new ArrayList<>(PoisonCases.writePath());
            cases.addAll(ReadAndEdgeCases.all());
            for (PoisonCase c : cases) {
                runCase(target, tally, c);
            }
            target.cleanRestart(tally, "restart after every case");
            NodeHealth.check(tally, "restart after every case", target.node(), List.of(target.node()));
            try {
                target.node().stop();
                leftovers(target, tally);
            } catch (AssertionError e) {
                tally.fail("leftovers", target.node(), HostileTarget.firstLines(e.getMessage(), 1));
            }
            System.out.printf("HostileInputIT: %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
            tally.assertClean();
        }
    }

    private static void runCase(HostileTarget target, HostileTally tally, PoisonCase c) throws Exception {
        long t0 = System.nanoTime();
        Path scratch = Files.createDirectories(target.tmpdir().resolveSibling("scratch"));
        long before = tally.failureCount();
        try {
            c.body().run(new CaseRun(c.name(), target.node(), tally, scratch));
        } catch (Exception | AssertionError e) {
            tally.fail(c.name(), target.node(), "the case itself threw " + e);
        }
        boolean healthy = NodeHealth.check(tally, c.name(), target.node(), List.of(target.node()));
        System.out.printf("[hostile] case %-62s %s (%d ms)%n", "'" + c.name() + "'",
                tally.failureCount() == before ? "ok" : "FAILED", (System.nanoTime() - t0) / 1_000_000);
        if (!healthy) {
            target.recover(tally, c.name());
        }
    }

    /** The seeded fuzz: requests are made from (seed, endpoint, index), so the set is the same whatever the threads do. */
    private static void fuzz(HostileTarget target, HostileTally tally) throws Exception {
        long t0 = System.nanoTime();
        long seed = FuzzRequests.seed();
        int perEndpoint = FuzzRequests.perEndpoint();
        byte[] database = target.node().getBytes("/db/backup").body();
        int total = perEndpoint * FuzzRequests.ENDPOINTS.size();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            for (int from = 0; from < total; from += BATCH) {
                NodeProcess node = target.node();
                List<Future<?>> batch = new ArrayList<>();
                for (int k = from; k < Math.min(total, from + BATCH); k++) {
                    String endpoint = FuzzRequests.ENDPOINTS.get(k % FuzzRequests.ENDPOINTS.size());
                    int i = k / FuzzRequests.ENDPOINTS.size();
                    FuzzRequests gen = new FuzzRequests(seed * 1_000_003L + k);
                    gen.useDatabase(database);
                    HostileRequest r = gen.next(endpoint).with("X-Fuzz-Id", seed + "/" + k);
                    batch.add(clients.submit(() -> tally.send("fuzz " + endpoint, node, r, CaseRun.TIMEOUT)));
                }
                for (Future<?> f : batch) {
                    f.get();
                }
                String label = "fuzz requests " + from + ".." + (from + batch.size() - 1);
                if (!NodeHealth.check(tally, label, node, List.of(node))) {
                    target.recover(tally, label);
                }
            }
        } finally {
            clients.shutdownNow();
        }
        System.out.printf("[hostile] fuzz: %d requests per endpoint, seed %d, %d s%n", perEndpoint, seed,
                (System.nanoTime() - t0) / 1_000_000_000L);
    }

    /** Nothing left in the node's temp directory after a clean stop; data directory and files private to the user. */
    private static void leftovers(HostileTarget target, HostileTally tally) throws IOException {
        String label = "leftovers";
        try (Stream<Path> left = Files.list(target.tmpdir())) {
            List<String> names = left.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("raftlite-backup") || n.contains("sqlite")).toList();
            if (!names.isEmpty()) {
                tally.fail(label, target.node(), names.size() + " backup directories or sqlite library copies left in "
                        + "java.io.tmpdir after a clean stop: " + names.subList(0, Math.min(5, names.size())));
            }
        }
        Set<PosixFilePermission> others = Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        try (Stream<Path> files = Files.walk(target.node().dataDir)) {
            List<String> open = files.filter(p -> permissions(p).stream().anyMatch(others::contains))
                    .map(p -> target.node().dataDir.relativize(p) + " " + PosixFilePermissions.toString(permissions(p)))
                    .toList();
            if (!open.isEmpty()) {
                tally.fail(label, target.node(), open.size() + " data files or directories readable by others (umask "
                        + "not overridden): " + open.subList(0, Math.min(5, open.size())));
            }
        }
    }

    private static Set<PosixFilePermission> permissions(Path p) {
        try {
            return Files.getPosixFilePermissions(p);
        } catch (IOException e) {
            return Set.of(); // removed while we looked
        }
    }
}

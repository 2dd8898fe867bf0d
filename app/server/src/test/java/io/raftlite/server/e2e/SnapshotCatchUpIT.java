package io.raftlite.server.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.raftlite.server.e2e.CrashRecoveryIT.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Three real processes on 127.0.0.51-53 with a low snapshot threshold: a follower killed with kill -9 while
 * the others write past several snapshots comes back behind the leader's purged log, installs the leader's
 * snapshot and ends with the leader's database.
 */
class SnapshotCatchUpIT {

    private static final Pattern LOG_SEGMENT = Pattern.compile("log_(?:inprogress_)?(\\d+)(?:-(\\d+))?");

    @TempDir
    Path tmp;

    private final List<NodeProcess> nodes = new ArrayList<>();

    @Test
    void aFollowerBackFromKillNineInstallsTheLeadersSnapshotAndConverges() throws Exception {
        String[] small = {"-raft-snap", "50", "-raft-log-segment-size", "16KiB"};
        for (int i = 1; i <= 3; i++) {
            List<String> args = new ArrayList<>(List.of("-node-id", "n" + i));
            args.addAll(List.of(small));
            if (i > 1) {
                args.addAll(List.of("-join", "127.0.0.51:" + nodes.get(0).raftPort));
            }
            nodes.add(NodeProcess.start("127.0.0.5" + i, tmp.resolve("n" + i), args.toArray(String[]::new)));
        }
        NodeProcess leader = leader();
        NodeProcess follower = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
        ok(leader.post("/db/execute", "[\"CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT, r INTEGER)\"]"));
        insert(leader, 0, 20);
        await("the follower has the first rows", () -> dump(follower).equals(dump(leader)));
        long followerCommit = number(follower.get("/status").body(), "commit_index");
        follower.kill9();

        insert(leader, 20, 800); // about 30 snapshots' worth of entries, with purges
        await("the leader purged its log past the follower's end (" + followerCommit + ")",
                () -> logStart(leader.dataDir) > followerCommit + 2);
        long leaderLogStart = logStart(leader.dataDir);
        String expected = dump(leader);
        long leaderSnapshot = number(leader.get("/status").body(), "snapshot_index");

        long restartedAt = System.nanoTime();
        follower.restart();
        await("the follower converges", () -> dump(follower).equals(expected));
        long catchUpMs = (System.nanoTime() - restartedAt) / 1_000_000;

        Pattern installLine = Pattern.compile("n\\d: installed the leader's snapshot \\S+ \\(index (\\d+)\\)");
        // logged just after the restored database becomes readable: wait for the line, do not race it
        await("the follower logged a snapshot install", () -> installLine.matcher(readLog(follower)).find());
        Matcher installed = installLine.matcher(readLog(follower));
        assertTrue(installed.find(), "the follower installed a snapshot:\n" + follower.logTail());
        long installedIndex = Long.parseLong(installed.group(1));
        assertTrue(installedIndex > followerCommit, "the snapshot covers entries it never had");
        String status = follower.get("/status").body();
        assertTrue(number(status, "snapshot_index") >= installedIndex, status);
        assertEquals(expected, dump(follower));
        System.out.printf("snapshot catch-up: restart -> converged %d ms; installed snapshot index %d (leader's %d,"
                        + " follower had committed %d, leader's log starts at %d); db_size %d bytes%n",
                catchUpMs, installedIndex, leaderSnapshot, followerCommit, leaderLogStart,
                number(leader.get("/status").body(), "db_size"));
    }

    /** Every process this test started is stopped, whatever happened. */
    @AfterEach
    void stopAll() throws Exception {
        for (NodeProcess n : nodes) {
            n.close();
        }
    }

    /**
     * Writes through the given node. Retries only "leader not found" (refused before anything is submitted):
     * on a loaded machine two nodes may lose and re-elect their leader.
     */
    private static void insert(NodeProcess node, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            String body = "[[\"INSERT INTO kv VALUES (?, ?, random())\", " + i + ", \"" + "v".repeat(200) + "\"]]";
            HttpResponse<String> r = node.post("/db/execute", body);
            for (int retry = 0; retry < 600 && r.statusCode() == 503 && r.body().contains("leader not found");
                    retry++) {
                Thread.sleep(100);
                r = node.post("/db/execute", body);
            }
            ok(r);
        }
    }

    private NodeProcess leader() throws Exception {
        for (int i = 0; i < 600; i++) {
            for (NodeProcess n : nodes) {
                if (n.get("/status").body().contains("\"state\":\"Leader\"")) {
                    return n;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no leader");
    }

    private static String dump(NodeProcess n) {
        try {
            return n.get("/db/backup?fmt=sql").body();
        } catch (IOException | InterruptedException e) {
            return "(unreachable: " + e + ")";
        }
    }

    static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no " + field + " in " + json);
        }
        return Long.parseLong(m.group(1));
    }

    /** The first index in the node's Raft log, from the segment file names; -1 if none or while files move. */
    static long logStart(Path dataDir) {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.map(p -> LOG_SEGMENT.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches).mapToLong(m -> Long.parseLong(m.group(1))).min().orElse(-1);
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1; // a segment was purged while listing
        }
    }

    static String readLog(NodeProcess node) {
        try {
            return Files.readString(node.log);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}

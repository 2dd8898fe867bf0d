package io.raftlite.server.e2e;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rqlite's operator features of issue 17 against the real jar on 127.0.25.x: {@code POST /snapshot} (200, 204
 * when nothing is new), {@code POST /reap} ({@code {"snapshots_reaped":n,"wals_checkpointed":c}}), both behind
 * the {@code snapshot} permission; {@code /db/sql}; {@code -auto-backup} (type file: leader only, skipped when
 * unchanged, gzip, timestamped names); {@code -raft-cluster-remove-shutdown} (the node leaves on SIGTERM; the
 * last voter stays).
 */
class OpsParityIT extends ProcessFixture {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String OPS = basic("ops", "ops-secret");
    private static final String READER = basic("reader", "reader-secret");

    @Test
    void snapshotReapSqlPreviewAutoBackupAndTheLastVoterStays() throws Exception {
        Path auth = tmp.resolve("auth.json");
        Files.writeString(auth, "[{\"username\":\"ops\",\"password\":\"ops-secret\",\"perms\":[\"snapshot\",\"execute\","
                + "\"query\",\"status\",\"backup\"]},{\"username\":\"reader\",\"password\":\"reader-secret\",\"perms\":[\"query\","
                + "\"status\"]},{\"username\":\"*\",\"perms\":[\"ready\"]}]");
        Path backups = tmp.resolve("backups");
        Path config = tmp.resolve("backup.json");
        Files.writeString(config, "{\"version\":1,\"type\":\"file\",\"interval\":\"200ms\",\"timestamp\":true,"
                + "\"sub\":{\"dir\":\"" + backups + "\",\"name\":\"db.sqlite.gz\"}}");
        NodeProcess n = NodeProcess.start("127.0.25.1", tmp.resolve("s1"), "-node-id", "s1", "-auth", auth.toString(),
                "-auto-backup", config.toString(), "-raft-cluster-remove-shutdown");
        nodes.add(n);
        assertEquals(200, call(n, "POST", "/db/execute", "[\"CREATE TABLE t (x)\", \"INSERT INTO t VALUES (1)\"]", OPS).statusCode());

        // POST /snapshot: the snapshot permission, 200 with an empty body, 204 when nothing is new, 405, 400
        assertEquals(401, call(n, "POST", "/snapshot", "", null).statusCode());
        assertEquals(403, call(n, "POST", "/snapshot", "", READER).statusCode());
        assertEquals(403, call(n, "POST", "/reap", "", READER).statusCode());
        HttpResponse<String> first = call(n, "POST", "/snapshot?trailing_logs=0", "", OPS);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("", first.body());
        assertEquals(204, call(n, "POST", "/snapshot", "", OPS).statusCode(), "nothing applied since");
        assertEquals(405, call(n, "GET", "/snapshot", null, OPS).statusCode());
        assertEquals(400, call(n, "POST", "/snapshot?trailing_logs=x", "", OPS).statusCode());
        assertEquals(200, call(n, "POST", "/db/execute", "[\"INSERT INTO t VALUES (2)\"]", OPS).statusCode());
        assertEquals(200, call(n, "POST", "/snapshot", "", OPS).statusCode());
        assertEquals(2, snapshotFiles(n), "Ratis keeps the newest snapshot and one fallback");

        // POST /reap: older snapshots go, the newest stays
        assertEquals("{\"snapshots_reaped\":1,\"wals_checkpointed\":0}\n", call(n, "POST", "/reap", "", OPS).body());
        assertEquals(1, snapshotFiles(n));
        assertEquals("{\"snapshots_reaped\":0,\"wals_checkpointed\":0}\n", call(n, "POST", "/reap", "", OPS).body());
        assertEquals(405, call(n, "GET", "/reap", null, OPS).statusCode());

        // /db/sql: rqlite's shape; raftlite runs statements as written (the text is never rewritten)
        String q = URLEncoder.encode("SELECT random(), datetime('now')", StandardCharsets.UTF_8);
        assertEquals("{\"results\":[{\"original\":\"SELECT random(), datetime('now')\",\"rewritten\":"
                + "\"SELECT random(), datetime('now')\"}]}", call(n, "GET", "/db/sql?q=" + q, null, READER).body());
        assertEquals("{\"results\":[{\"original\":\"PRAGMA journal_mode=DELETE\",\"error\":\"disallowed pragma\"}]}",
                call(n, "POST", "/db/sql", "[\"PRAGMA journal_mode=DELETE\"]", READER).body());
        assertEquals(400, call(n, "GET", "/db/sql", null, READER).statusCode());

        autoBackupWritesChangesOnlyAndAtomically(n, backups);

        assertEquals(0, n.stop(), n.logTail());
        assertTrue(Files.readString(n.log).contains("is the cluster's last voter; it stays a member"), n.logTail());
    }

    /** Two rows are in by now: the newest backup holds them; idle intervals write nothing; a write makes one more. */
    private void autoBackupWritesChangesOnlyAndAtomically(NodeProcess n, Path backups) throws Exception {
        await(() -> rowsInNewestBackup(backups) == 2, "a backup holding both rows", n);
        long ok = counter(n, "num_uploads_ok");
        long skipped = counter(n, "num_uploads_skipped");
        long files = backupFiles(backups).size();
        await(() -> counter(n, "num_uploads_skipped") >= skipped + 3, "three idle intervals", n);
        assertEquals(ok, counter(n, "num_uploads_ok"), "nothing changed, nothing written");
        assertEquals(files, backupFiles(backups).size());
        // names carry the second, as rqlite's do: an upload within the second of the last one would replace it
        List<Path> before = backupFiles(backups);
        String newest = before.get(before.size() - 1).getFileName().toString().substring(0, 14);
        DateTimeFormatter stamp = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
        await(() -> stamp.format(Instant.now()).compareTo(newest) > 0, "the second after the newest backup's", n);
        assertEquals(200, call(n, "POST", "/db/execute", "[\"INSERT INTO t VALUES (3)\"]", OPS).statusCode());
        await(() -> rowsInNewestBackup(backups) == 3, "a backup with the third row", n);
        assertEquals(files + 1, backupFiles(backups).size(), "timestamp keeps every backup: " + backupFiles(backups));
        String status = call(n, "GET", "/status", null, OPS).body();
        assertTrue(status.contains("\"upload_destination\":\"dir:" + backups + ", file:db.sqlite.gz\""), status);
        assertTrue(!status.contains("last_backup_time"), "rqlite leaves it out until a /db/backup: " + status);
        assertEquals(200, call(n, "GET", "/db/backup", null, OPS).statusCode());
        status = call(n, "GET", "/status", null, OPS).body();
        assertTrue(status.matches("(?s).*\"last_backup_time\":\"\\d{4}-\\d\\d-\\d\\dT[^\"]+Z\".*"), status);
        try (Stream<Path> all = Files.list(backups)) {
            assertTrue(all.noneMatch(p -> p.getFileName().toString().startsWith(".upload-")), "no temp file left");
        }
    }

    @Test
    void aNodeStoppedWithRemoveShutdownLeavesTheCluster() throws Exception {
        NodeProcess n1 = NodeProcess.start("127.0.25.11", tmp.resolve("n1"), "-node-id", "n1");
        nodes.add(n1);
        String join = "127.0.25.11:" + n1.raftPort;
        for (int i = 2; i <= 3; i++) { // both JVMs start at once: the slow part of this test on a busy machine
            NodeProcess n = NodeProcess.prepare("127.0.25.1" + i, tmp.resolve("n" + i));
            nodes.add(n);
            n.launch("-node-id", "n" + i, "-join", join, "-raft-cluster-remove-shutdown");
        }
        for (NodeProcess n : nodes) {
            n.awaitReady(Duration.ofSeconds(120));
        }
        await(() -> members(n1).equals(List.of("n1", "n2", "n3")), "three members", n1);
        NodeProcess n3 = nodes.get(2);
        assertEquals(0, n3.stop(), n3.logTail());
        assertTrue(Files.readString(n3.log).contains("-raft-cluster-remove-shutdown: removed n3"), n3.logTail());
        assertEquals(List.of("n1", "n2"), members(n1), "committed before the node stopped");
        // n2 is demoted to read replica (two nodes keep one voter) and restarts its Raft server meanwhile
        await(() -> members(nodes.get(1)).equals(List.of("n1", "n2")), "n2 seeing two members", nodes.get(1));
        CrashRecoveryIT.ok(n1.post("/db/execute", "[\"CREATE TABLE after (x)\"]"));

        // restarted with its data, a removed node does not come back on its own (rqlite's would, through -join)
        n3.launch();
        await(() -> statusOf(n3).contains("\"state\":\"Follower\""), "n3 serving /status", n3);
        assertEquals(503, n3.get("/readyz").statusCode(), "no leader: not a member");
        assertEquals(List.of("n1", "n2"), members(n1));
    }

    private static String statusOf(NodeProcess n) {
        try {
            return n.get("/status").body();
        } catch (Exception e) {
            return "";
        }
    }

    /** Member ids, voters and read replicas, from {@code /nodes?nonvoters&ver=2}. */
    static List<String> members(NodeProcess n) {
        try {
            Matcher m = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(n.get("/nodes?nonvoters&ver=2").body());
            return m.results().map(r -> r.group(1)).sorted().toList();
        } catch (Exception e) {
            return List.of();
        }
    }

    private static long snapshotFiles(NodeProcess n) throws Exception {
        return NodeProcess.liveFiles(n.dataDir.resolve("raft"), name -> name.matches("snapshot\\.\\d+_\\d+")).size();
    }

    private static List<Path> backupFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("\\d{14}_db\\.sqlite\\.gz")).sorted().toList();
        }
    }

    /** Rows of {@code t} in the newest backup (gunzipped to a temp file and opened with SQLite), -1 when none. */
    private long rowsInNewestBackup(Path dir) {
        try {
            List<Path> files = backupFiles(dir);
            if (files.isEmpty()) {
                return -1;
            }
            Path copy = Files.createTempFile(tmp, "restored", ".sqlite");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(files.get(files.size() - 1)))) {
                Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
                 ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
                return r.getLong(1);
            }
        } catch (Exception e) {
            return -1;
        }
    }

    private static long counter(NodeProcess n, String name) {
        try {
            Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(call(n, "GET", "/status", null, OPS).body());
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private static void await(BooleanSupplier condition, String what, NodeProcess n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "no " + what + " within 30 s:\n" + n.logTail());
            Thread.sleep(50);
        }
    }

    private static HttpResponse<String> call(NodeProcess n, String method, String path, String body, String authorization)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(n.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}

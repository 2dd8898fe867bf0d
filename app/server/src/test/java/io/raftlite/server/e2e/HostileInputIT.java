package io.raftlite.server.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded, bounded fuzz of the HTTP API on the real jar: mutated bodies, random parameters, methods and
 * content types. Whatever comes in, the answer is never a 5xx and the node keeps serving.
 * Rerun a failure with {@code -Draftlite.fuzz.seed=N}.
 */
class HostileInputIT {

    private static final String[] PATHS = {"/db/execute", "/db/query", "/db/request", "/db/load", "/db/backup",
        "/status", "/nodes", "/leader", "/readyz", "/remove", "/db/nothing", "/"};
    private static final String[] METHODS = {"GET", "POST", "POST", "POST", "PUT", "DELETE"};
    private static final String[] TYPES = {"application/json", "text/plain", "application/octet-stream",
        "application/x-www-form-urlencoded", "text/plain; charset=latin1", null, "multipart/form-data"};
    private static final String[] PARAMS = {"pretty", "timings", "transaction", "associative", "blob_array",
        "level=none", "level=strong", "level=linearizable", "level=%00", "freshness=1s", "freshness_strict",
        "timeout=5s", "timeout=x", "db_timeout=1ms", "raft_index", "queue", "wait", "redirect", "fmt=sql", "fmt=xx",
        "compress", "q=SELECT%201", "q=", "q=%FF%FE", "ver=2", "noleader", "bogus", "retries=-1", "%zz"};
    private static final String[] SEEDS = {
        "[\"CREATE TABLE IF NOT EXISTS f (a, b)\"]",
        "[[\"INSERT INTO f VALUES (?, ?)\", 1, \"x'00ff'\"]]",
        "[[\"INSERT INTO f VALUES (:a, :b)\", {\"a\": 1.5e300, \"b\": [1, 2, 3]}]]",
        "[\"SELECT * FROM f\", \"SELECT randomblob(4), datetime('now')\"]",
        "[\"PRAGMA journal_mode\", \"PRAGMA synchronous=0\"]",
        "SELECT * FROM f WHERE a = 'it''s'",
        "[\"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 1000) SELECT count(*) FROM c\"]",
        "{\"id\": \"nobody\"}", "{\"id\": 7}"};

    @TempDir
    Path tmp;

    @Test
    void noInputProducesAServerError() throws Exception {
        long seed = Long.getLong("raftlite.fuzz.seed", 20261121L);
        Random random = new Random(seed);
        try (NodeProcess node = NodeProcess.start("127.0.0.35", tmp.resolve("d1"))) {
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < 800; i++) {
                String endpoint = PATHS[random.nextInt(PATHS.length)];
                String path = endpoint + query(random);
                // mostly the endpoint's own method, so requests get past routing into our code
                String method = random.nextInt(5) == 0 ? METHODS[random.nextInt(METHODS.length)] : usualMethod(endpoint, random);
                byte[] body = method.equals("GET") ? new byte[0] : body(random);
                String type = TYPES[random.nextInt(TYPES.length)];
                HttpResponse<String> r;
                try {
                    r = node.send(method, path, body, type);
                } catch (IllegalArgumentException e) {
                    continue; // the client refused to build the request; nothing reached the node
                } catch (java.net.http.HttpTimeoutException e) {
                    failures.add(method + " " + path + " [" + type + "] " + preview(body) + " -> no answer in 30s");
                    continue;
                }
                if (r.statusCode() >= 500 && !(r.statusCode() == 503 && r.body().startsWith("leader not found"))) {
                    failures.add(method + " " + path + " [" + type + "] " + preview(body) + " -> " + r.statusCode()
                            + " " + r.body());
                }
            }
            assertTrue(failures.isEmpty(), "seed " + seed + ": server errors:\n" + String.join("\n", failures)
                    + "\n" + node.logTail());
            assertTrue(node.isAlive());
            HttpResponse<String> still = node.post("/db/request", "[\"CREATE TABLE IF NOT EXISTS ok (v)\", \"SELECT 42\"]");
            assertEquals(200, still.statusCode(), still.body());
            assertTrue(still.body().contains("[[42]]"), still.body());
            assertTrue(!node.logTail().contains("internal error serving"), node.logTail());
        }
    }

    private static String usualMethod(String endpoint, Random random) {
        return switch (endpoint) {
            case "/db/execute", "/db/request", "/db/load" -> "POST";
            case "/db/query" -> random.nextBoolean() ? "GET" : "POST";
            case "/remove" -> "DELETE";
            default -> "GET";
        };
    }

    private static String query(Random random) {
        int n = random.nextInt(5);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? '?' : '&').append(PARAMS[random.nextInt(PARAMS.length)]);
        }
        return sb.toString();
    }

    private static byte[] body(Random random) {
        byte[] b = SEEDS[random.nextInt(SEEDS.length)].getBytes(StandardCharsets.UTF_8);
        switch (random.nextInt(6)) {
            case 0 -> { // flip bytes
                for (int k = 0; k < 1 + random.nextInt(4); k++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length)); // truncate
            case 2 -> { // random bytes
                b = new byte[random.nextInt(64)];
                random.nextBytes(b);
            }
            case 3 -> b = ("[".repeat(1 + random.nextInt(5000)) + "]").getBytes(StandardCharsets.UTF_8);
            case 4 -> b = ("[\"" + "SELECT 1; ".repeat(random.nextInt(50)) + "\"]").getBytes(StandardCharsets.UTF_8);
            default -> { } // the valid seed itself
        }
        return b;
    }

    private static String preview(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}

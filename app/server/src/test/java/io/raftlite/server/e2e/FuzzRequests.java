package io.raftlite.server.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Seeded request generator for the data endpoints: valid, mutated and hostile bodies, parameters, methods,
 * content types and encodings. The same seed gives the same requests ({@code -Draftlite.fuzz.seed=N});
 * {@code -Draftlite.fuzz.requests=N} is the count per endpoint (the {@code soak} profile sets 10,000).
 * It avoids what needs minutes or gigabytes by design (those are named cases in {@link PoisonCases}).
 */
final class FuzzRequests {

    static final List<String> ENDPOINTS = List.of("/db/execute", "/db/query", "/db/request", "/db/load", "/db/backup");

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"};
    private static final String[] TYPES = {"application/json", "application/json", "application/json", "text/plain",
        "application/octet-stream", "application/x-www-form-urlencoded", "application/json; charset=utf-16",
        "text/plain; charset=latin1", "multipart/form-data; boundary=x", ";;;", "application/sql"};
    private static final String[] ENCODINGS = {"gzip", "gzip", "deflate", "br", "identity", "gzip, gzip", "x-nope", "*"};
    private static final String[] FLAGS = {"pretty", "timings", "transaction", "associative", "blob_array", "queue",
        "wait", "redirect", "raft_index", "noleader", "nonvoters", "freshness_strict", "compress", "vacuum", "noparse",
        "norwrandom", "norwtime", "qualify_columns", "sync", "bogus", "%25zz", "=", "&&", "%00"};
    private static final String[][] VALUED = {
        {"level", "none", "weak", "strong", "linearizable", "auto", "", "%00", "NONE"},
        {"freshness", "1s", "0", "-1s", "999999h", "x", "1ns"},
        {"timeout", "5s", "0s", "x", "-1s", "1ms", "9999999999s"},
        {"db_timeout", "1ms", "2s", "0", "x", "-5s"},
        {"retries", "0", "-1", "x", "99999999999"},
        {"fmt", "sql", "binary", "delete", "xx", "SQL", ""},
        {"tables", "fz", "fz,nope", "", "%22fz%22"},
        {"ver", "2", "x"},
        {"q", "SELECT%201", "", "%FF%FE", "SELECT%20*%20FROM%20fz", "PRAGMA%20table_info(fz)", "BEGIN"}};
    private static final String[] VALID = {
        "CREATE TABLE IF NOT EXISTS fz (id INTEGER PRIMARY KEY, a, b TEXT)",
        "INSERT INTO fz(a, b) VALUES (1, 'x')",
        "SELECT * FROM fz ORDER BY id DESC LIMIT 5",
        "SELECT count(*), sum(a), max(length(b)) FROM fz",
        "UPDATE fz SET a = a + 1 WHERE id % 7 = 0",
        "DELETE FROM fz WHERE id % 5 = 0",
        "SELECT 1, 'two', 3.0, x'04', NULL",
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 200) SELECT sum(x) FROM c",
        "PRAGMA table_info(fz)", "PRAGMA foreign_keys", "PRAGMA user_version",
        "SELECT * FROM pragma_table_info('fz')", "EXPLAIN SELECT * FROM fz", "SELECT json('[1,2]')"};
    /** Cheap poison: harmless when the product refuses or contains it, and no minutes or gigabytes when not. */
    private static final String[] HOSTILE_SQL = {
        "PRAGMA writable_schema=ON", "PRAGMA journal_mode=DELETE", "PRAGMA synchronous=OFF", "PRAGMA temp_store=MEMORY",
        "PRAGMA mmap_size=268435456", "PRAGMA page_size=512", "PRAGMA cache_size=-2000", "PRAGMA query_only=1",
        "PRAGMA locking_mode=EXCLUSIVE", "PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA max_page_count=1",
        "SELECT * FROM pragma_journal_mode('off')", "ATTACH ':memory:' AS m", "DETACH m", "VACUUM INTO '/dev/null'",
        "SELECT load_extension('x')", "DROP TABLE temp.raftlite_counters", "DELETE FROM temp.raftlite_counters",
        "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT s", "RELEASE s", "UPDATE sqlite_master SET sql = 'x'",
        "SELECT randomblob(100000)", "SELECT zeroblob(1000000)", "SELECT ?", "SELECT :a, @b, $c", "SELECT ?99999",
        "CREATE TEMP TABLE tt(x)", "SELECT * FROM nope", "", ";;;", "SELECT '\u0000'", "SELECT 'é漢😀\ud800'",
        "SELECT " + "1+".repeat(3000) + "1", "SELECT " + "(".repeat(1200) + "1" + ")".repeat(1200)};
    private static final String[] JSON_VALUES = {"1", "-0", "1.5e300", "1e999999", "123456789012345678901234567890",
        "true", "null", "\"x\"", "\"\\u0000\"", "\"\\ud800\"", "[1,2,3]", "{\"a\":1}", "\"" + "y".repeat(5000) + "\"",
        "NaN", "-", "\"\\uZZZZ\"", "{}"};

    private final Random random;
    private byte[] database = new byte[0];

    FuzzRequests(long seed) {
        this.random = new Random(seed);
    }

    static long seed() {
        return Long.getLong("raftlite.fuzz.seed", 20261206L);
    }

    static int perEndpoint() {
        return Integer.getInteger("raftlite.fuzz.requests", 400);
    }

    /** A real SQLite file (a backup of the node) to load as it is and in mutated forms. */
    void useDatabase(byte[] sqliteFile) {
        database = sqliteFile.clone();
    }

    HostileRequest next(String endpoint) {
        String method = random.nextInt(10) == 0 ? pick(METHODS) : usualMethod(endpoint);
        String path = endpoint + query();
        boolean bodyless = method.equals("GET") && random.nextInt(4) != 0;
        byte[] body = bodyless ? new byte[0] : endpoint.equals("/db/load") ? loadBody() : jsonBody();
        Map<String, String> headers = new LinkedHashMap<>();
        if (random.nextInt(8) != 0) {
            headers.put("Content-Type", pick(TYPES));
        }
        if (random.nextInt(12) == 0) {
            String encoding = pick(ENCODINGS);
            headers.put("Content-Encoding", encoding);
            if (encoding.equals("gzip") && random.nextBoolean()) {
                body = gzip(body);
            }
        }
        return new HostileRequest(method, path, body, headers);
    }

    private String usualMethod(String endpoint) {
        return switch (endpoint) {
            case "/db/query" -> random.nextBoolean() ? "GET" : "POST";
            case "/db/backup" -> "GET";
            default -> "POST";
        };
    }

    private String query() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0, n = random.nextInt(5); i < n; i++) {
            sb.append(i == 0 ? '?' : '&');
            if (random.nextBoolean()) {
                sb.append(pick(FLAGS));
            } else {
                String[] v = VALUED[random.nextInt(VALUED.length)];
                sb.append(v[0]).append('=').append(v[1 + random.nextInt(v.length - 1)]);
            }
        }
        return sb.toString();
    }

    private byte[] jsonBody() {
        int kind = random.nextInt(10);
        String json = switch (kind) {
            case 0, 1, 2, 3 -> statements(VALID);
            case 4, 5 -> statements(HOSTILE_SQL);
            case 6 -> deep();
            case 7 -> wide();
            default -> statements(random.nextBoolean() ? VALID : HOSTILE_SQL);
        };
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return kind >= 8 ? mutate(b) : b;
    }

    private String statements(String[] pool) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            String sql = jsonString(pick(pool));
            switch (random.nextInt(4)) {
                case 0 -> sb.append('[').append(sql).append(',').append(pick(JSON_VALUES)).append(',')
                        .append(pick(JSON_VALUES)).append(']');
                case 1 -> sb.append('[').append(sql).append(",{\"a\":").append(pick(JSON_VALUES)).append(",\"b\":")
                        .append(pick(JSON_VALUES)).append("}]");
                default -> sb.append(sql);
            }
        }
        return sb.append(']').toString();
    }

    /** Deeply nested arrays or objects, as the body or as a parameter. */
    private String deep() {
        int depth = 1 + random.nextInt(random.nextBoolean() ? 100 : 60000);
        boolean objects = random.nextBoolean();
        String open = objects ? "{\"a\":" : "[";
        String close = objects ? "}" : "]";
        String inner = open.repeat(depth) + "1" + close.repeat(depth);
        return random.nextBoolean() ? inner : "[[\"SELECT ?\"," + inner + "]]";
    }

    /** Many elements: statements, parameters or empty objects. */
    private String wide() {
        int n = 1 + random.nextInt(random.nextBoolean() ? 1000 : 60000);
        return switch (random.nextInt(3)) {
            case 0 -> "[" + "\"SELECT 1\",".repeat(n) + "\"SELECT 2\"]";
            case 1 -> "[[\"SELECT ?\"," + "1,".repeat(n) + "1]]";
            default -> "[" + "{},".repeat(n) + "{}]";
        };
    }

    private byte[] loadBody() {
        return switch (random.nextInt(6)) {
            case 0 -> database.clone();
            case 1 -> mutate(database.clone());
            case 2 -> java.util.Arrays.copyOf(database, random.nextInt(Math.max(1, database.length)));
            case 3 -> ("SQLite format 3\0" + "x".repeat(random.nextInt(200))).getBytes(StandardCharsets.ISO_8859_1);
            case 4 -> mutate(dump());
            default -> dump();
        };
    }

    private byte[] dump() {
        StringBuilder sb = new StringBuilder("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n");
        sb.append("CREATE TABLE IF NOT EXISTS ld (a, b);\n");
        for (int i = 0, n = random.nextInt(20); i < n; i++) {
            sb.append(random.nextInt(6) == 0 ? pick(HOSTILE_SQL) : "INSERT INTO ld VALUES (" + i + ", 'v" + i + "')")
                    .append(";\n");
        }
        return sb.append("COMMIT;\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Byte flips, truncation, duplication or invalid UTF-8. */
    private byte[] mutate(byte[] b) {
        if (b.length == 0) {
            return b;
        }
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int k = 0, n = 1 + random.nextInt(8); k < n; k++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
            case 2 -> {
                byte[] twice = java.util.Arrays.copyOf(b, b.length * 2);
                System.arraycopy(b, 0, twice, b.length, b.length);
                b = twice;
            }
            default -> b[random.nextInt(b.length)] = (byte) (0x80 | random.nextInt(0x40)); // a lone continuation byte
        }
        return b;
    }

    private static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.append('"').toString();
    }

    static String encode(String sql) {
        return URLEncoder.encode(sql, StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private String pick(String[] from) {
        return from[random.nextInt(from.length)];
    }
}

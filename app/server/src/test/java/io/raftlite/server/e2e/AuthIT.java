package io.raftlite.server.e2e;

import io.raftlite.core.tls.PemFiles;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code -auth} against the real jar on 127.0.14.x (over plain HTTP and over HTTPS): rqlite's documented example auth file plus a bcrypt user
 * and one user per permission; every endpoint with every permission, with right, wrong and missing
 * credentials; a follower that forwards only what the caller may do; and planted secrets (passwords, an etcd
 * password, a Consul token) that must appear in no log, /status, /metrics or error text.
 */
class AuthIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String SECRET = "s3cr3t-" + UUID.randomUUID();
    private static final String JSON = "application/json";
    /** rqlite's example: * may read status and readiness, and join as a read replica. */
    private static final Set<String> EVERYONE = Set.of("status", "ready", "join-read-only");
    private static final List<String> PERMS = List.of("all", "execute", "query", "load", "backup", "status",
            "ready", "leader-ops", "remove", "snapshot", "join", "join-read-only");

    /** One endpoint and the permissions rqlite's rules say it needs (written here, not read from the code). */
    record Endpoint(String method, String path, String body, String contentType, Set<String> needs) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", "/db/execute", "[\"INSERT INTO t(x) VALUES(1)\"]", JSON, Set.of("execute")),
            new Endpoint("GET", "/db/query?q=SELECT%201", null, null, Set.of("query")),
            new Endpoint("POST", "/db/query", "[\"SELECT 1\"]", JSON, Set.of("query")),
            new Endpoint("POST", "/db/request", "[\"SELECT 1\"]", JSON, Set.of("query", "execute")),
            new Endpoint("GET", "/db/backup", null, null, Set.of("backup")),
            new Endpoint("POST", "/db/load", "CREATE TABLE IF NOT EXISTS t(x INTEGER);", "text/plain", Set.of("load")),
            new Endpoint("DELETE", "/remove", "{\"id\":\"no-such-node\"}", JSON, Set.of("remove")),
            new Endpoint("GET", "/status", null, null, Set.of("status")),
            new Endpoint("GET", "/nodes", null, null, Set.of("status")),
            new Endpoint("GET", "/leader", null, null, Set.of("leader-ops")),
            new Endpoint("POST", "/leader", "{\"id\":\"no-such-node\"}", JSON, Set.of("leader-ops")),
            new Endpoint("GET", "/readyz", null, null, Set.of("ready")),
            new Endpoint("GET", "/metrics", null, null, Set.of("status")));

    @TempDir
    Path tmp;

    private final List<NodeProcess> nodes = new ArrayList<>();
    /** Every response body and header the tests saw, for the secrets check. */
    private final StringBuilder seen = new StringBuilder();
    private String bcryptHash;
    /** Plain HTTP, or a client trusting the test's CA for a node serving HTTPS. */
    private HttpClient http = HTTP;

    @AfterEach
    void stopAll() throws Exception {
        NodeProcess.closeAll(nodes);
    }

    /** rqlite's documented example (passwords made unique), carol with a bcrypt hash, and u-PERM per permission. */
    private Map<String, Set<String>> writeAuthFile(Path file) throws Exception {
        Map<String, Set<String>> users = new LinkedHashMap<>();
        users.put("bob", Set.of("all"));
        users.put("mary", Set.of("query", "backup", "join"));
        users.put("carol", Set.of("execute"));
        PERMS.forEach(p -> users.put("u-" + p, Set.of(p)));
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        bcryptHash = OpenBSDBCrypt.generate("2b", password("carol").toCharArray(), salt, 10);
        StringBuilder json = new StringBuilder("[\n");
        users.forEach((user, perms) -> json.append("  {\"username\": \"").append(user).append("\", \"password\": \"")
                .append(user.equals("carol") ? bcryptHash : password(user)).append("\", \"perms\": [\"")
                .append(String.join("\", \"", perms)).append("\"]},\n"));
        json.append("  {\"username\": \"*\", \"perms\": [\"status\", \"ready\", \"join-read-only\"]}\n]\n");
        Files.writeString(file, json);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return users;
    }

    private static String password(String user) {
        return "pw-" + user + "-" + SECRET;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> call(NodeProcess node, Endpoint e, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.baseUrl() + e.path()))
                .timeout(Duration.ofSeconds(30)).method(e.method(), e.body() == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(e.body()));
        if (e.contentType() != null) {
            b.header("Content-Type", e.contentType());
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        seen.append(r.headers().map()).append(r.body()).append('\n');
        return r;
    }

    private HttpResponse<String> as(NodeProcess node, String user, String method, String path, String body)
            throws Exception {
        return call(node, new Endpoint(method, path, body, body == null ? null : JSON, Set.of()),
                user == null ? null : basic(user, password(user)));
    }

    private static void expect(String what, boolean allowed, boolean challenge, HttpResponse<String> r) {
        if (allowed) {
            assertTrue(r.statusCode() != 401 && r.statusCode() != 403 && r.statusCode() < 500,
                    what + ": expected to be served, got " + r.statusCode() + " " + r.body());
        } else {
            assertEquals(challenge ? 401 : 403, r.statusCode(), what + ": " + r.body());
            assertEquals(challenge ? "Basic realm=\"raftlite\"" : null,
                    r.headers().firstValue("WWW-Authenticate").orElse(null), what);
        }
    }

    private NodeProcess start(String host, String name, Path auth, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("-node-id", name, "-auth", auth.toString(),
                "-log-levels", "io.raftlite.server.http.requests=DEBUG"));
        args.addAll(List.of(more));
        NodeProcess node = NodeProcess.start(host, tmp.resolve(name), args.toArray(String[]::new));
        nodes.add(node);
        return node;
    }

    /** Every endpoint without credentials, and as every user with the right and a wrong password; the count. */
    private int matrix(NodeProcess node, Map<String, Set<String>> users) throws Exception {
        int requests = 0;
        for (Endpoint e : ENDPOINTS) {
            boolean open = EVERYONE.containsAll(e.needs());
            expect(e + " without credentials", open, true, call(node, e, null));
            requests++;
            for (Map.Entry<String, Set<String>> u : users.entrySet()) {
                boolean may = e.needs().stream().allMatch(p -> u.getValue().contains(p) || u.getValue().contains("all")
                        || EVERYONE.contains(p));
                expect(e + " as " + u.getKey(), may, false, call(node, e, basic(u.getKey(), password(u.getKey()))));
                expect(e + " as " + u.getKey() + " with a wrong password", false, true,
                        call(node, e, basic(u.getKey(), "wrong-" + u.getKey())));
                requests += 2;
            }
        }
        return requests;
    }

    @Test
    void everyEndpointTimesEveryPermissionWithRightWrongAndMissingCredentials() throws Exception {
        Path auth = tmp.resolve("auth.json");
        Map<String, Set<String>> users = writeAuthFile(auth);
        NodeProcess node = start("127.0.14.1", "a1", auth);
        assertEquals(200, as(node, "bob", "POST", "/db/execute", "[\"CREATE TABLE t(x INTEGER)\"]").statusCode());

        // refused writes change nothing
        String insert = "[\"INSERT INTO t(x) VALUES(666)\"]";
        expect("anonymous insert", false, true, as(node, null, "POST", "/db/execute", insert));
        expect("mary's insert", false, false, as(node, "mary", "POST", "/db/execute", insert));
        expect("wrong password", false, true, call(node, new Endpoint("POST", "/db/execute", insert, JSON, Set.of()),
                basic("bob", "nope")));
        assertTrue(as(node, "bob", "GET", "/db/query?q=SELECT%20count(*)%20FROM%20t%20WHERE%20x=666", null).body()
                .contains("\"values\":[[0]]"));

        assertEquals("HTTP/1.1 401 Unauthorized", firstLineBeforeTheBody(node, null), "refused before the body");
        assertEquals("HTTP/1.1 403 Forbidden", firstLineBeforeTheBody(node, basic("mary", password("mary"))));

        assertTrue(matrix(node, users) > 300, "the matrix ran");
        // OPTIONS (CORS preflight) is answered as without -auth; a malformed header is wrong credentials
        assertEquals(200, call(node, new Endpoint("OPTIONS", "/db/execute", null, null, Set.of()), null).statusCode());
        expect("a Bearer token", false, true, call(node, ENDPOINTS.get(0), "Bearer " + SECRET));
        assertTrue(as(node, "bob", "GET", "/status", null).body().contains("\"auth\":\"enabled\""));
        String metrics = as(node, "bob", "GET", "/metrics", null).body();
        assertTrue(metrics.matches("(?s).*raftlite_http_auth_refusals_total\\{status=\"401\"} [1-9].*")
                && metrics.matches("(?s).*raftlite_http_auth_refusals_total\\{status=\"403\"} [1-9].*"), metrics);

        String log = Files.readString(node.log);
        assertTrue(log.contains("POST /db/execute 200 user=bob"), "the request log line names the user");
        assertTrue(log.contains("POST /db/execute 403 user=mary"), "and the refused user");
        assertTrue(log.contains("holds plaintext passwords for [bob, mary, u-all"), "one WARN names the plaintext users");
        assertNoSecret(node);
    }

    /** The same matrix over HTTPS, with the certificate and flags {@code raftlite tls} made (127.0.14.21). */
    @Test
    void theMatrixOverHttps() throws Exception {
        Path auth = tmp.resolve("auth.json");
        Map<String, Set<String>> users = writeAuthFile(auth);
        TlsFiles pki = TlsFiles.createCa(tmp.resolve("pki"));
        SSLContext trusting = TlsClients.trusting(PemFiles.readCertificates(pki.caCert()).get(0));
        http = HttpClient.newBuilder().sslContext(trusting).connectTimeout(Duration.ofSeconds(5)).build();
        NodeProcess node = NodeProcess.prepare("127.0.14.21", tmp.resolve("s1")).https(trusting);
        nodes.add(node);
        List<String> args = new ArrayList<>(List.of("-node-id", "s1", "-auth", auth.toString()));
        args.addAll(pki.node("s1", node.host).get(1)); // -http-cert, -http-key, -http-ca-cert
        node.launch(args.toArray(String[]::new));
        node.awaitReady(Duration.ofSeconds(120));
        assertTrue(node.baseUrl().startsWith("https://"), node.baseUrl());
        assertEquals(200, as(node, "bob", "POST", "/db/execute", "[\"CREATE TABLE t(x INTEGER)\"]").statusCode());
        assertTrue(matrix(node, users) > 300, "the matrix ran");
        assertTrue(as(node, "bob", "GET", "/status", null).body().contains("\"auth\":\"enabled\""));
        assertNoSecret(node);
    }

    @Test
    void aFollowerForwardsOnlyWhatTheCallerMayDo() throws Exception {
        Path auth = tmp.resolve("auth.json");
        writeAuthFile(auth);
        NodeProcess leader = start("127.0.14.11", "f1", auth);
        NodeProcess follower = start("127.0.14.12", "f2", auth, "-join", leader.host + ":" + leader.raftPort);
        assertEquals(200, as(follower, "bob", "POST", "/db/execute", "[\"CREATE TABLE t(x INTEGER)\"]").statusCode());
        String row = "[\"INSERT INTO t(x) VALUES(7)\"]";
        expect("mary's write through the follower", false, false, as(follower, "mary", "POST", "/db/execute", row));
        expect("carol's read-and-write through the follower", false, false,
                as(follower, "carol", "POST", "/db/request", row));
        expect("carol's strong read", false, false, as(follower, "carol", "GET", "/db/query?level=strong&q=SELECT%201", null));
        expect("mary's load", false, false, call(follower, new Endpoint("POST", "/db/load", "DROP TABLE t;", "text/plain",
                Set.of()), basic("mary", password("mary"))));
        expect("anonymous remove of the leader", false, true,
                as(follower, null, "DELETE", "/remove", "{\"id\":\"f1\"}"));
        expect("mary's remove of the leader", false, false, as(follower, "mary", "DELETE", "/remove", "{\"id\":\"f1\"}"));
        assertEquals(200, as(follower, "carol", "POST", "/db/execute", row).statusCode(), "carol may write");
        HttpResponse<String> read = as(follower, "mary", "GET", "/db/query?level=strong&q=SELECT%20x%20FROM%20t", null);
        assertEquals("{\"results\":[{\"columns\":[\"x\"],\"types\":[\"integer\"],\"values\":[[7]]}]}", read.body(),
                "exactly carol's row reached the leader; the refused write and load did not");
        assertTrue(as(leader, "bob", "GET", "/nodes", null).body().contains("\"f1\""), "the leader was not removed");
        assertNoSecret(leader);
        assertNoSecret(follower);
    }

    @Test
    void discoverySecretsAndBadFilesAppearInNoOutput() throws Exception {
        String etcd = "{\"endpoints\":[\"http://127.0.14.9:9\"],\"username\":\"raftlite\",\"password\":\"" + SECRET + "\"}";
        Path consulFile = tmp.resolve("consul.json");
        Files.writeString(consulFile, "{\"address\":\"127.0.14.9:9\",\"token\":\"" + SECRET + "\"}");
        for (String[] disco : List.of(new String[]{"etcd-kv", etcd}, new String[]{"consul-kv", consulFile.toString()})) {
            NodeProcess node = NodeProcess.prepare("127.0.14.2" + nodes.size(), tmp.resolve("d" + nodes.size()));
            nodes.add(node);
            node.launch("-disco-mode", disco[0], "-disco-config", disco[1], "-log-level", "DEBUG");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(node.log) || !Files.readString(node.log).contains("discovery store (" + disco[0])) {
                assertTrue(System.nanoTime() < deadline, "no discovery failure logged:\n" + node.logTail());
                Thread.sleep(100); // polling the log file for a line, with a deadline
            }
            node.kill9();
            assertFalse(Files.readString(node.log).contains(SECRET), disco[0] + " log leaks the secret");
        }
        Path badAuth = tmp.resolve("bad-auth.json");
        Files.writeString(badAuth, "[{\"username\": \"bob\", \"password\": " + SECRET + "}]");
        Path looseAuth = tmp.resolve("loose-auth.json");
        Files.writeString(looseAuth, "[{\"username\": \"bob\", \"password\": \"$2b$10$" + SECRET + "\"}]");
        List<String[]> refused = List.of(
                new String[]{"-auth", badAuth.toString()},
                new String[]{"-auth", looseAuth.toString()},
                new String[]{"-disco-mode", "etcd-kv", "-disco-config", "[" + etcd + "]"},
                new String[]{"-disco-mode", "etcd-kv", "-disco-config", etcd.replace("\"username\":\"raftlite\",", "")},
                new String[]{"-h"});
        for (String[] args : refused) {
            NodeProcess.Result r = NodeProcess.run(Duration.ofSeconds(60), args);
            String out = r.stdout() + r.stderr();
            assertFalse(out.contains(SECRET), String.join(" ", args) + " printed the secret: " + out);
            assertTrue(args[0].equals("-h") ? r.exitCode() == 0 : r.exitCode() != 0 && out.contains("raftlite: "),
                    String.join(" ", args) + ": " + r.exitCode() + " " + out);
        }
    }

    /** Sends a write's head and one byte of its 1 MB body; the answer's status line, read before the rest is sent. */
    private static String firstLineBeforeTheBody(NodeProcess node, String authorization) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(node.host, node.httpPort)) {
            socket.setSoTimeout(10_000);
            String head = "POST /db/execute HTTP/1.1\r\nHost: " + node.host + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000000\r\n" + (authorization == null ? "" : "Authorization: " + authorization
                    + "\r\n") + "\r\n[";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
        }
    }

    /** The secrets are in no log line, /status, /metrics or response the tests saw. */
    private void assertNoSecret(NodeProcess node) throws Exception {
        String status = as(node, "bob", "GET", "/status?pretty", null).body();
        String metrics = as(node, "bob", "GET", "/metrics", null).body();
        for (String where : List.of("log", "/status", "/metrics", "responses")) {
            String text = switch (where) {
                case "log" -> Files.readString(node.log);
                case "/status" -> status;
                case "/metrics" -> metrics;
                default -> seen.toString();
            };
            assertFalse(text.contains(SECRET), where + " of " + node.host + " holds a planted password");
            assertFalse(text.contains(bcryptHash), where + " of " + node.host + " holds the bcrypt hash");
        }
    }
}

package io.raftlite.server.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real full disk: the node runs with its data directory on a 6 MiB tmpfs (in a user and mount namespace,
 * {@code unshare -rm}, so no root is needed; skipped where namespaces are not allowed) and no size quota.
 * The write that does not fit makes the process exit with code 74, not linger with a stopped Raft server;
 * once the tmpfs is grown (space freed) the same node starts again, replays that write and takes more.
 */
class DiskFullIT {

    private static final String HOST = "127.0.1.20";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    @Test
    void aFullDiskEndsTheProcessWithCode74AndTheNodeRecoversOnceSpaceIsFreed() throws Exception {
        assumeTrue(namespacesWork(), "unshare -rm is not allowed here");
        Path mount = Files.createDirectories(tmp.resolve("mnt"));
        Path firstExit = tmp.resolve("first-exit");
        int http = freePort();
        int raft = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String node = java + " -Xmx64m -XX:+ExitOnOutOfMemoryError -jar " + NodeProcess.jar().toAbsolutePath()
                + " -http-addr " + HOST + ":" + http + " -raft-addr " + HOST + ":" + raft + " -db-max-size 0 " + mount + "/data";
        String script = "set -u\n"
                + "mount -t tmpfs -o size=6m raftlite-full " + mount + " || exit 90\n"
                + node + " & child=$!\n"
                + "trap 'kill $child; exit 143' TERM\n"
                + "wait $child; echo $? > " + firstExit + "\n"
                + "mount -o remount,size=64m " + mount + " || exit 91\n"
                + "exec " + node + "\n";
        Process p = new ProcessBuilder("unshare", "-rm", "sh", "-c", script).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("node.log").toFile()).start();
        try {
            String base = "http://" + HOST + ":" + http;
            awaitReady(p, base);
            assertEquals(200, post(base + "/db/execute", "[\"CREATE TABLE t (x)\"]").statusCode());
            int acknowledged = 0;
            for (int i = 0; i < 40 && !Files.exists(firstExit); i++) {
                try {
                    HttpResponse<String> r = post(base + "/db/execute", "[\"INSERT INTO t VALUES(zeroblob(500000))\"]");
                    acknowledged += r.statusCode() == 200 && r.body().contains("rows_affected") ? 1 : 0;
                } catch (IOException e) {
                    break; // the node went away while answering
                }
            }
            assertEquals("74", awaitFile(firstExit), "exit code of the node whose disk filled up");
            assertTrue(acknowledged > 0 && acknowledged < 12, "writes acknowledged before the disk filled: " + acknowledged);
            awaitReady(p, base);
            HttpResponse<String> count = HTTP.send(HttpRequest.newBuilder(URI.create(base
                    + "/db/query?q=SELECT%20count(*)%20FROM%20t")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long rows = Long.parseLong(count.body().replaceAll(".*\\[\\[(\\d+)]].*", "$1"));
            assertTrue(rows >= acknowledged && rows <= acknowledged + 1, count.body() + " after " + acknowledged + " acks");
            assertTrue(post(base + "/db/execute", "[\"INSERT INTO t VALUES(1)\"]").body().contains("rows_affected"));
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static boolean namespacesWork() {
        try {
            Process p = new ProcessBuilder("unshare", "-rm", "true").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static HttpResponse<String> post(String url, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitReady(Process p, String base) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && p.isAlive()) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening (yet, or any more)
            }
            Thread.sleep(50);
        }
        fail("node not ready:\n" + Files.readString(tmp.resolve("node.log"), StandardCharsets.UTF_8));
    }

    private String awaitFile(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && !Files.readString(file).isBlank()) {
                return Files.readString(file).trim();
            }
            Thread.sleep(50);
        }
        return fail("the node never exited:\n" + Files.readString(tmp.resolve("node.log"), StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        }
    }
}

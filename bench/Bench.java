// Per-request checks for bench/run, run as a single source file: java bench/Bench.java MODE ...
//   preload SYS BASE N                       write keys r000000000 .. r<N-1> (100-byte values)
//   count SYS BASE...                        the number of keys (rows of kv) each node holds, read locally
//   visibility SYS LEADER FOLLOWER N RUN     N times: write a new key at LEADER; from its acknowledgement,
//                                            poll FOLLOWER's local read until it returns the key
//   limit DIR                                the physical limit of a lone replicated write on this machine: the
//                                            median fsync of a small append in DIR and the median loopback TCP
//                                            round trip; limit = one fsync (leader and followers in parallel)
//                                            + two round trips (client -> leader -> follower and back)
// SYS is raftlite (rqlite API) or etcd (v3 HTTP/JSON gateway); BASE is http://host:port (https:// with
// BENCH_CA=ca.pem, the CA a raftlite node's certificate chains to: bench/run sets it with BENCH_HTTPS=1).
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public class Bench {
    static final HttpClient HTTP = client(System.getenv("BENCH_CA"));
    static final String VALUE = "x".repeat(100);

    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "preload" -> preload(a[1], a[2], Integer.parseInt(a[3]));
            case "count" -> {
                List<String> out = new ArrayList<>();
                for (int i = 2; i < a.length; i++) out.add(Long.toString(count(a[1], a[i])));
                System.out.println(String.join(" ", out));
            }
            case "visibility" -> visibility(a[1], a[2], a[3], Integer.parseInt(a[4]), a[5]);
            case "limit" -> limit(Path.of(a[1]));
            default -> throw new IllegalArgumentException("unknown mode " + a[0]);
        }
    }

    static void limit(Path dir) throws Exception {
        double[] fsync = new double[300];
        Path file = dir.resolve("fsync-probe");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.APPEND)) {
            java.nio.ByteBuffer entry = java.nio.ByteBuffer.wrap(VALUE.repeat(2).getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < fsync.length; i++) {
                long t = System.nanoTime();
                ch.write(entry.rewind());
                ch.force(false);
                fsync[i] = (System.nanoTime() - t) / 1e6;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        double[] rtt = new double[3000];
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> {
                try (java.net.Socket s = server.accept()) {
                    s.setTcpNoDelay(true);
                    InputStream in = s.getInputStream();
                    java.io.OutputStream out = s.getOutputStream();
                    for (int b; (b = in.read()) >= 0; ) {
                        out.write(b);
                    }
                } catch (java.io.IOException e) {
                    // the client closed
                }
            });
            echo.setDaemon(true);
            echo.start();
            try (java.net.Socket c = new java.net.Socket(server.getInetAddress(), server.getLocalPort())) {
                c.setTcpNoDelay(true);
                InputStream in = c.getInputStream();
                java.io.OutputStream out = c.getOutputStream();
                for (int i = 0; i < rtt.length; i++) {
                    long t = System.nanoTime();
                    out.write(1);
                    if (in.read() < 0) {
                        throw new IllegalStateException("echo closed");
                    }
                    rtt[i] = (System.nanoTime() - t) / 1e6;
                }
            }
        }
        double f = median(fsync), r = median(rtt);
        System.out.printf(java.util.Locale.ROOT, "RESULT fsync=%.3f rtt=%.3f limit=%.3f%n", f, r, f + 2 * r);
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    static HttpClient client(String caPem) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        if (caPem == null || caPem.isEmpty()) {
            return b.build();
        }
        try (InputStream in = Files.newInputStream(Path.of(caPem))) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            return b.sslContext(tls).build();
        } catch (Exception e) {
            throw new IllegalStateException("BENCH_CA " + caPem + ": " + e.getMessage(), e);
        }
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> send(HttpRequest r) throws Exception {
        return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest post(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** A write of one key; true when acknowledged without error. */
    static boolean write(String sys, String base, String key) throws Exception {
        HttpResponse<String> r;
        if (sys.equals("raftlite")) {
            r = send(post(base + "/db/execute",
                    "[[\"INSERT OR REPLACE INTO kv(k,v) VALUES(?,?)\",\"" + key + "\",\"" + VALUE + "\"]]"));
            return r.statusCode() == 200 && r.body().contains("\"results\"") && !r.body().contains("\"error\"");
        }
        r = send(post(base + "/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(VALUE) + "\"}"));
        return r.statusCode() == 200 && r.body().contains("\"header\"") && !r.body().contains("\"error\"");
    }

    /** A local (raftlite level=none, etcd serializable) read of one key; true when it holds the value. */
    static boolean readLocal(String sys, String base, String key) throws Exception {
        HttpResponse<String> r;
        if (sys.equals("raftlite")) {
            String q = URLEncoder.encode("SELECT v FROM kv WHERE k='" + key + "'", StandardCharsets.UTF_8);
            r = send(HttpRequest.newBuilder(URI.create(base + "/db/query?level=none&q=" + q))
                    .timeout(Duration.ofSeconds(15)).GET().build());
            return r.statusCode() == 200 && r.body().contains(VALUE);
        }
        r = send(post(base + "/v3/kv/range", "{\"key\":\"" + b64(key) + "\",\"serializable\":true}"));
        return r.statusCode() == 200 && r.body().contains(b64(VALUE));
    }

    static void preload(String sys, String base, int n) throws Exception {
        if (sys.equals("raftlite")) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < n; i++) {
                if (i > 0) sb.append(',');
                sb.append("[\"INSERT OR REPLACE INTO kv(k,v) VALUES(?,?)\",\"").append(String.format("r%09d", i))
                        .append("\",\"").append(VALUE).append("\"]");
            }
            HttpResponse<String> r = send(post(base + "/db/execute?transaction", sb.append(']').toString()));
            if (r.statusCode() != 200 || r.body().contains("\"error\"")) throw new IllegalStateException(r.body());
        } else {
            for (int i = 0; i < n; i++) {
                if (!write(sys, base, String.format("r%09d", i))) throw new IllegalStateException("preload put failed");
            }
        }
    }

    static final Pattern ROWS = Pattern.compile("\"values\":\\[\\[(\\d+)\\]\\]");
    static final Pattern COUNT = Pattern.compile("\"count\":\"?(\\d+)");

    static long count(String sys, String base) throws Exception {
        if (sys.equals("raftlite")) {
            String q = URLEncoder.encode("SELECT COUNT(*) FROM kv", StandardCharsets.UTF_8);
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/db/query?level=none&q=" + q))
                    .timeout(Duration.ofSeconds(15)).GET().build());
            Matcher m = ROWS.matcher(r.body());
            if (r.statusCode() != 200 || !m.find()) throw new IllegalStateException(r.body());
            return Long.parseLong(m.group(1));
        }
        // every key: from "\0" to the end of the key space
        HttpResponse<String> r = send(post(base + "/v3/kv/range",
                "{\"key\":\"AA==\",\"range_end\":\"AA==\",\"count_only\":true,\"serializable\":true}"));
        Matcher m = COUNT.matcher(r.body());
        if (r.statusCode() != 200) throw new IllegalStateException(r.body());
        return m.find() ? Long.parseLong(m.group(1)) : 0; // the gateway omits a zero count
    }

    static void visibility(String sys, String leader, String follower, int n, String run) throws Exception {
        double[] ms = new double[n];
        int ok = 0, errors = 0;
        for (int i = 0; i < n; i++) {
            String key = String.format("v%s%08d", run, i);
            if (!write(sys, leader, key)) { errors++; continue; }
            long acked = System.nanoTime();
            long deadline = acked + 5_000_000_000L;
            boolean seen = false;
            while (System.nanoTime() < deadline) {
                if (readLocal(sys, follower, key)) { seen = true; break; }
            }
            if (!seen) { errors++; continue; }
            ms[ok++] = (System.nanoTime() - acked) / 1e6;
        }
        double[] s = Arrays.copyOf(ms, ok);
        Arrays.sort(s);
        System.out.printf("RESULT ok=%d errors=%d p50=%.3f p99=%.3f%n", ok, errors, pct(s, 50), pct(s, 99));
    }

    static double pct(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}

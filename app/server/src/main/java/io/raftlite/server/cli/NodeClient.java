package io.raftlite.server.cli;

import io.raftlite.core.tls.ReloadingKeyManager;
import io.raftlite.core.tls.ReloadingTrustManager;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;

/**
 * One node's HTTP API, through the JDK's HttpURLConnection: {@code -H host:port} (or a URL), HTTPS when a TLS flag is given
 * or the URL says so, a CA bundle, a client certificate for mutual TLS, and Basic credentials for {@code -auth}.
 * HTTP failures become {@link CliException}s with the {@link Exit} code a script sees.
 */
final class NodeClient {

    /** The flags every command that talks to a node takes. */
    static final Set<String> FLAGS = Set.of("H", "http-ca-cert", "http-cert", "http-key", "insecure", "u",
            "json", "timeout");
    static final String DEFAULT_NODE = "127.0.0.1:4001";

    private final SSLContext ssl;
    private final boolean insecure;
    private final String base;
    private final String authorization;
    private final Duration timeout;

    private NodeClient(SSLContext ssl, boolean insecure, String base, String authorization, Duration timeout) {
        this.ssl = ssl;
        this.insecure = insecure;
        this.base = base;
        this.authorization = authorization;
        this.timeout = timeout;
    }

    static NodeClient from(CliArgs args, CliIo io) throws CliException {
        boolean tls = args.has("http-ca-cert") || args.has("http-cert") || args.has("insecure");
        String base = baseUrl(args.get("H", DEFAULT_NODE), tls);
        Duration timeout = Durations.parse("-timeout", args.get("timeout", "60s"));
        SSLContext ssl = base.startsWith("https://") ? sslContext(args) : null;
        return new NodeClient(ssl, args.has("insecure"), base, authorization(args, io), timeout);
    }

    static String baseUrl(String node, boolean tls) throws CliException {
        String url = node.contains("://") ? node : (tls ? "https://" : "http://") + node;
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        try {
            URI uri = URI.create(url);
            if (uri.getHost() == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
                throw new IllegalArgumentException("no host");
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(Exit.USAGE, "-H " + node + ": expected host:port or http(s)://host:port");
        }
        return url;
    }

    private static SSLContext sslContext(CliArgs args) throws CliException {
        if (args.has("http-cert") != args.has("http-key")) {
            throw new CliException(Exit.USAGE, "-http-cert and -http-key go together (the client certificate and its key)");
        }
        if (args.has("insecure") && args.has("http-ca-cert")) {
            throw new CliException(Exit.USAGE, "-insecure and -http-ca-cert exclude each other");
        }
        try {
            TrustManager[] trust = null; // the JDK's CAs
            if (args.has("insecure")) {
                trust = new TrustManager[] {ReloadingTrustManager.acceptingAny()};
            } else if (args.has("http-ca-cert")) {
                trust = new TrustManager[] {new ReloadingTrustManager(Path.of(args.get("http-ca-cert", "")))};
            }
            KeyManager[] keys = args.has("http-cert") ? new KeyManager[] {new ReloadingKeyManager(
                    Path.of(args.get("http-cert", "")), Path.of(args.get("http-key", "")))} : null;
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (IOException e) {
            throw new CliException(Exit.USAGE, e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new CliException(Exit.UNREACHABLE, "TLS: " + e.getMessage());
        }
    }

    /** {@code -u user}: the password from RAFTLITE_PASSWORD or a prompt, never from argv (ps, shell history). */
    private static String authorization(CliArgs args, CliIo io) throws CliException {
        if (!args.has("u")) {
            return null;
        }
        String user = args.get("u", "");
        if (user.contains(":")) {
            throw new CliException(Exit.USAGE, "-u takes a user name only: a password on the command line shows in "
                    + "ps and in shell histories; set RAFTLITE_PASSWORD or answer the prompt");
        }
        if (user.isEmpty()) {
            throw new CliException(Exit.USAGE, "-u needs a user name");
        }
        String password = io.env().get("RAFTLITE_PASSWORD");
        if (password == null) {
            password = io.password("password for " + user + ": ");
        }
        if (password == null) {
            throw new CliException(Exit.USAGE, "-u " + user + ": no terminal to ask for the password; set RAFTLITE_PASSWORD");
        }
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    String base() {
        return base;
    }

    /** An answer whatever its status ({@link #check} maps statuses to exit codes). */
    record Answer(int status, byte[] body, String retryAfter) {
    }

    /** Sends a request and reads the whole answer, whatever its status. */
    Answer exchange(String method, String pathAndQuery, String contentType, byte[] body, Duration requestTimeout)
            throws CliException {
        HttpURLConnection c = open(method, pathAndQuery, contentType, body, requestTimeout);
        try {
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            byte[] bytes = in == null ? new byte[0] : in.readAllBytes();
            return new Answer(status, bytes, c.getHeaderField("Retry-After"));
        } catch (IOException e) {
            throw unreachable(e);
        } finally {
            c.disconnect();
        }
    }

    /** GET or POST with this client's timeout; a status other than 2xx is a {@link CliException}. */
    byte[] send(String method, String pathAndQuery, String contentType, byte[] body) throws CliException {
        Answer a = exchange(method, pathAndQuery, contentType, body, timeout);
        check(a.status(), a.body());
        return a.body();
    }

    /** A streamed GET (backups); the caller closes the stream. */
    InputStream stream(String pathAndQuery) throws CliException {
        HttpURLConnection c = open("GET", pathAndQuery, null, null, timeout);
        try {
            int status = c.getResponseCode();
            if (status / 100 != 2) {
                InputStream err = c.getErrorStream();
                check(status, err == null ? new byte[0] : err.readNBytes(4096));
            }
            return c.getInputStream();
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /**
     * The JDK's HttpURLConnection rather than java.net.http's HttpClient: it is in java.base and in the JDK's own
     * class data archive, and a CLI call with it took about 0.1 s where HttpClient's start alone took 0.6 s
     * (docs/cli.md, "Start-up").
     */
    private HttpURLConnection open(String method, String pathAndQuery, String contentType, byte[] body,
                                   Duration requestTimeout) throws CliException {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(base + pathAndQuery).toURL().openConnection();
            if (c instanceof HttpsURLConnection https && ssl != null) {
                https.setSSLSocketFactory(ssl.getSocketFactory());
                if (insecure) {
                    https.setHostnameVerifier((host, session) -> true);
                }
            }
            c.setConnectTimeout(5_000);
            c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis()));
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setRequestMethod(method);
            if (authorization != null) {
                c.setRequestProperty("Authorization", authorization);
            }
            if (contentType != null) {
                c.setRequestProperty("Content-Type", contentType);
            }
            if (body != null) {
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body);
                }
            }
            return c;
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private CliException unreachable(IOException e) {
        return new CliException(Exit.UNREACHABLE, "cannot reach " + base + ": " + reason(e));
    }

    static void check(int status, byte[] body) throws CliException {
        if (status / 100 == 2) {
            return;
        }
        String text = new String(body, 0, Math.min(body.length, 500), StandardCharsets.UTF_8).strip();
        String detail = "HTTP " + status + (text.isEmpty() ? "" : ": " + text.lines().findFirst().orElse(""));
        if (status == 401) {
            throw new CliException(Exit.REFUSED, detail + " (give -u USER and RAFTLITE_PASSWORD)");
        }
        throw new CliException(status == 403 ? Exit.REFUSED : Exit.UNREACHABLE, detail);
    }

    private static String reason(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return "connect timed out".equals(e.getMessage()) ? "connect timed out" : "no answer in time (-timeout)";
        }
        if (e instanceof SSLHandshakeException) {
            return "TLS handshake failed (" + e.getMessage() + "); check -http-ca-cert, -http-cert/-http-key";
        }
        if (e instanceof java.net.ConnectException) {
            return "connection refused (is a node running there? see -H)";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}

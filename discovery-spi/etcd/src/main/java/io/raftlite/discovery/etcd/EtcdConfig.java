package io.raftlite.discovery.etcd;

import io.raftlite.discovery.DiscoveryConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code etcd-kv} settings, with rqlite's names for the ones rqlite has ({@code endpoints},
 * {@code username}, {@code password}, {@code dial-timeout}) and one of ours ({@code request-timeout}).
 *
 * @param endpoints      etcd client URLs, {@code http://host:port}
 * @param username       etcd user, or null for none; set together with {@code password}
 * @param password       the user's password, or null
 * @param dialTimeout    how long a TCP connect to one endpoint may take
 * @param requestTimeout the most any one {@link EtcdDiscoveryClient} call blocks, retries included
 */
public record EtcdConfig(List<String> endpoints, String username, String password, Duration dialTimeout,
                         Duration requestTimeout) {

    /** The setting names, as {@link io.raftlite.discovery.DiscoveryClientProvider#settings()} reports them. */
    public static final Set<String> SETTINGS = Set.of("endpoints", "username", "password", "dial-timeout",
            "request-timeout");

    /** rqlite's default endpoint ({@code localhost:2379}) as a URL. */
    public static final String DEFAULT_ENDPOINT = "http://localhost:2379";

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public EtcdConfig {
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(dialTimeout, "dialTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("discovery setting 'endpoints' must name at least one etcd URL");
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("discovery settings 'username' and 'password' go together: set both or neither");
        }
        positive("dial-timeout", dialTimeout);
        positive("request-timeout", requestTimeout);
    }

    /**
     * Reads the settings; durations are strings such as {@code "5s"} or, as in rqlite's etcd config, a number
     * of nanoseconds.
     *
     * @throws IllegalArgumentException naming the setting that is invalid
     */
    public static EtcdConfig from(DiscoveryConfig config) {
        List<String> urls = new ArrayList<>();
        for (String e : config.strings("endpoints", List.of(DEFAULT_ENDPOINT))) {
            urls.add(endpoint(e));
        }
        String user = blankToNull(config.string("username", null));
        String password = blankToNull(config.string("password", null));
        return new EtcdConfig(urls,
                user, password,
                config.duration("dial-timeout", DEFAULT_TIMEOUT, ChronoUnit.NANOS),
                config.duration("request-timeout", DEFAULT_TIMEOUT, ChronoUnit.NANOS));
    }

    /** {@code host:port} (rqlite's default form) becomes {@code http://host:port}; https is refused. */
    static String endpoint(String given) {
        String url = given.contains("://") ? given : "http://" + given;
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("discovery setting 'endpoints': '" + given + "' is not a URL", e);
        }
        if ("https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("discovery setting 'endpoints': '" + given
                    + "' needs TLS, which etcd-kv does not support yet; use an http:// endpoint");
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("discovery setting 'endpoints': '" + given
                    + "' must be http://host:port or host:port");
        }
        return url;
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static void positive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("discovery setting '" + name + "' must be more than zero");
        }
    }

    @Override
    public String toString() {
        // never print the password
        return "EtcdConfig[endpoints=" + endpoints + ", username=" + username + ", dialTimeout=" + dialTimeout
                + ", requestTimeout=" + requestTimeout + "]";
    }
}

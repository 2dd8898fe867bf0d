package io.raftlite.discovery.dns;

import io.raftlite.discovery.DiscoveryConfig;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings both DNS modes share, checked when the client is created so that a typo fails at start.
 *
 * @param name     the name to look up; relative names go through the system's search path when no
 *                 {@code resolver} is given, and are taken as absolute when one is
 * @param resolver the DNS server to ask ({@code host:port}); empty for the system's resolvers
 * @param timeout  the most one {@code read()} may take, all queries included
 */
record DnsSettings(String name, Optional<Server> resolver, Duration timeout) {

    static final String NAME = "name";
    static final String RESOLVER = "resolver";
    static final String TIMEOUT = "timeout";
    private static final Set<String> KEYS = Set.of(NAME, RESOLVER, TIMEOUT);

    private static final Pattern HOST_PORT = Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)]|([^:\\[\\]]+)):(\\d{1,5})");
    private static final Pattern LABELS = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?"
            + "(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\\.?");

    /** A DNS server's address as configured; the host is resolved when a query is sent. */
    record Server(String host, int port) {
        @Override
        public String toString() {
            return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    DnsSettings {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("discovery setting 'timeout' must be positive, got " + timeout);
        }
    }

    /**
     * Reads the shared settings.
     *
     * @throws IllegalArgumentException naming the setting that is invalid
     */
    static DnsSettings from(DiscoveryConfig config) {
        return new DnsSettings(hostName(config.string(NAME, "raftlite"), NAME),
                Optional.ofNullable(config.string(RESOLVER, null)).map(DnsSettings::server),
                config.duration(TIMEOUT, Duration.ofSeconds(5), ChronoUnit.MILLIS));
    }

    /** The keys a mode understands: the shared ones plus its own. */
    static Set<String> keysWith(String modeSetting) {
        Set<String> keys = new java.util.HashSet<>(KEYS);
        keys.add(modeSetting);
        return Set.copyOf(keys);
    }

    /** How the resolver is named in descriptions and errors. */
    String resolverText() {
        return resolver.map(Server::toString).orElse("system");
    }

    /** Checks that {@code value} is a DNS name (letters, digits, '-', '_'; 63 characters a label). */
    static String hostName(String value, String setting) {
        if (!LABELS.matcher(value).matches() || value.length() > 253
                || java.util.Arrays.stream(value.split("\\.")).anyMatch(l -> l.length() > 63)) {
            throw new IllegalArgumentException("discovery setting '" + setting + "' must be a DNS name such as "
                    + "raftlite.default.svc.cluster.local, got '" + value + "'");
        }
        return value;
    }

    static int port(long value, String setting) {
        if (value < 1 || value > 65535) {
            throw new IllegalArgumentException("discovery setting '" + setting + "' must be a port (1-65535), got "
                    + value);
        }
        return (int) value;
    }

    private static Server server(String value) {
        Matcher m = HOST_PORT.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("discovery setting 'resolver' must be host:port, e.g. 10.96.0.10:53 "
                    + "or [fd00::a]:53, got '" + value + "'");
        }
        String host = m.group(1) != null ? m.group(1) : m.group(2);
        return new Server(host, port(Long.parseLong(m.group(3)), RESOLVER));
    }
}

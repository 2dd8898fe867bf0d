package io.raftlite.discovery.consul;

import io.raftlite.discovery.DiscoveryConfig;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code consul-kv} settings, rqlite's keys where rqlite has them ({@code address}, {@code scheme},
 * {@code datacenter}, {@code token}, {@code basic_auth}, {@code tls_config}) plus {@code timeout}, which bounds
 * every call (connect, write and read).
 *
 * @param host       the Consul agent's host
 * @param port       its HTTP(S) port
 * @param https      whether {@code scheme} is {@code https}
 * @param datacenter the datacenter to address, or null for the agent's own
 * @param token      the ACL token sent as {@code X-Consul-Token}, or null
 * @param username   the basic-auth user, or null
 * @param password   the basic-auth password, or null
 * @param tls        the TLS files and verification switch, or null for the JDK's defaults
 * @param timeout    the bound on every call
 */
record ConsulSettings(String host, int port, boolean https, String datacenter, String token, String username,
                      String password, Tls tls, Duration timeout) {

    static final Set<String> KEYS = Set.of("address", "scheme", "datacenter", "token", "basic_auth", "tls_config",
            "timeout");
    private static final Set<String> TLS_KEYS = Set.of("ca_file", "cert_file", "key_file", "insecure_skip_verify");

    /**
     * rqlite's {@code tls_config}, the part raftlite wires: PEM files and the verification switch.
     *
     * @param caFile             PEM certificates to trust instead of the JDK's, or null
     * @param certFile           the client certificate chain (PEM), or null
     * @param keyFile            the client key (PEM, PKCS#8), or null
     * @param insecureSkipVerify trust any server certificate and host name
     */
    record Tls(String caFile, String certFile, String keyFile, boolean insecureSkipVerify) {
    }

    /** @throws IllegalArgumentException naming the setting that is wrong */
    static ConsulSettings from(DiscoveryConfig config) {
        config.requireOnly(KEYS, ConsulDiscoveryClientProvider.MODE);
        String address = config.string("address", "localhost:8500").trim();
        if (address.toLowerCase().contains("http")) {
            throw new IllegalArgumentException("consul-kv setting 'address' must not contain http or https (got '"
                    + address + "'): give host:port, and \"scheme\":\"https\" for TLS");
        }
        String host;
        int port = 8500;
        int colon = address.lastIndexOf(':');
        if (address.startsWith("[") ? address.contains("]:") : colon >= 0) {
            host = address.substring(0, colon);
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        } else {
            host = address;
        }
        host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("consul-kv setting 'address' must be host:port, got '" + address + "'");
        }
        String scheme = config.string("scheme", "http");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("consul-kv setting 'scheme' must be http or https, got '" + scheme + "'");
        }
        Duration timeout = config.duration("timeout", Duration.ofSeconds(5), ChronoUnit.NANOS);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("consul-kv setting 'timeout' must be positive");
        }
        Map<String, Object> auth = object(config, "basic_auth", Set.of("username", "password"));
        Map<String, Object> tlsConfig = object(config, "tls_config", TLS_KEYS);
        Tls tls = null;
        if (tlsConfig != null) {
            if (!scheme.equals("https")) {
                throw new IllegalArgumentException("consul-kv setting 'tls_config' needs \"scheme\":\"https\"");
            }
            tls = new Tls(text(tlsConfig, "tls_config.ca_file"), text(tlsConfig, "tls_config.cert_file"),
                    text(tlsConfig, "tls_config.key_file"), Boolean.TRUE.equals(tlsConfig.get("insecure_skip_verify")));
            if ((tls.certFile() == null) != (tls.keyFile() == null)) {
                throw new IllegalArgumentException("consul-kv settings 'tls_config.cert_file' and 'tls_config.key_file' "
                        + "go together");
            }
        }
        String datacenter = config.string("datacenter", null);
        String token = config.string("token", null);
        return new ConsulSettings(host, port, scheme.equals("https"), blankToNull(datacenter), blankToNull(token),
                auth == null ? null : text(auth, "basic_auth.username"),
                auth == null ? null : text(auth, "basic_auth.password"), tls, timeout);
    }

    private static Map<String, Object> object(DiscoveryConfig config, String name, Set<String> known) {
        Object v = config.settings().get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("consul-kv setting '" + name + "' must be a JSON object");
        }
        Set<String> unknown = new TreeSet<>();
        m.keySet().forEach(k -> unknown.add(String.valueOf(k)));
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("consul-kv setting '" + name + "' has unsupported field(s) "
                    + String.join(", ", unknown) + "; raftlite supports: " + String.join(", ", new TreeSet<>(known)));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) m;
        return typed;
    }

    private static String text(Map<String, Object> m, String qualified) {
        Object v = m.get(qualified.substring(qualified.indexOf('.') + 1));
        if (v != null && !(v instanceof String)) {
            throw new IllegalArgumentException("consul-kv setting '" + qualified + "' must be a string");
        }
        return blankToNull((String) v);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** {@code host:port} as the settings name it, for messages. */
    String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}

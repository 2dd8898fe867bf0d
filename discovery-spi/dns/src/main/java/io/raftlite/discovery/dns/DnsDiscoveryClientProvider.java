package io.raftlite.discovery.dns;

import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryClientProvider;
import io.raftlite.discovery.DiscoveryConfig;

import java.util.Set;

/**
 * The {@code dns} mode: the A and AAAA records of {@code name}, each address paired with {@code port}.
 *
 * <p>Settings: {@code name} (default {@code raftlite}), {@code port} (the Raft port of every node, default
 * 4002), {@code resolver} ({@code host:port} of the DNS server to ask; default: the system's resolvers and
 * search path), {@code timeout} (for one read, e.g. {@code "2s"} or a number of milliseconds; default 5 s).
 * For example {@code {"name":"raftlite.default.svc.cluster.local","port":4002}}.
 */
public final class DnsDiscoveryClientProvider implements DiscoveryClientProvider {

    public static final String MODE = "dns";
    static final String PORT = "port";

    @Override
    public String mode() {
        return MODE;
    }

    @Override
    public Set<String> settings() {
        return DnsSettings.keysWith(PORT);
    }

    @Override
    public DiscoveryClient create(DiscoveryConfig config) {
        DnsSettings settings = DnsSettings.from(config);
        int port = DnsSettings.port(config.integer(PORT, 4002), PORT);
        DnsLookup lookup = new DnsLookup(settings);
        String description = settings.name() + " (A/AAAA, port " + port + ", resolver "
                + settings.resolverText() + ")";
        return new DnsDiscoveryClient(MODE, config.key(), description, () -> lookup.addresses(settings.name())
                .stream().map(a -> DnsDiscoveryClient.raftAddress(a, port)).toList());
    }
}

package io.raftlite.discovery.dns;

import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryClientProvider;
import io.raftlite.discovery.DiscoveryConfig;

import java.util.Set;

/**
 * The {@code dns-srv} mode: the SRV records of {@code _<service>._tcp.<name>}, each target resolved to its
 * A and AAAA addresses and paired with the port its SRV record gives; priority and weight are ignored.
 *
 * <p>Settings: {@code name} (default {@code raftlite}), {@code service} (default {@code raft}),
 * {@code resolver} ({@code host:port}; default: the system's resolvers and search path), {@code timeout}
 * (for one read, e.g. {@code "2s"} or a number of milliseconds; default 5 s). For example
 * {@code {"name":"raftlite.default.svc.cluster.local","service":"raft"}}, which Kubernetes answers for a
 * headless service with a port named {@code raft}.
 */
public final class DnsSrvDiscoveryClientProvider implements DiscoveryClientProvider {

    public static final String MODE = "dns-srv";
    static final String SERVICE = "service";

    @Override
    public String mode() {
        return MODE;
    }

    @Override
    public Set<String> settings() {
        return DnsSettings.keysWith(SERVICE);
    }

    @Override
    public DiscoveryClient create(DiscoveryConfig config) {
        DnsSettings settings = DnsSettings.from(config);
        String service = DnsSettings.hostName(config.string(SERVICE, "raft"), SERVICE);
        if (service.contains(".") || service.startsWith("_")) {
            throw new IllegalArgumentException("discovery setting 'service' must be one label without the leading "
                    + "underscore, e.g. raft for _raft._tcp.<name>, got '" + service + "'");
        }
        DnsLookup lookup = new DnsLookup(settings);
        String description = "_" + service + "._tcp." + settings.name() + " (SRV, resolver "
                + settings.resolverText() + ")";
        return new DnsDiscoveryClient(MODE, config.key(), description, () -> lookup.srv(service, settings.name())
                .stream().map(t -> DnsDiscoveryClient.raftAddress(t.address(), t.port())).toList());
    }
}

package io.raftlite.discovery.consul;

import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryClientProvider;
import io.raftlite.discovery.DiscoveryConfig;

import java.util.Set;

/**
 * The {@code consul-kv} mode: rqlite's {@code -disco-config} keys for Consul ({@code address}, {@code scheme},
 * {@code datacenter}, {@code token}, {@code basic_auth}, {@code tls_config}) plus {@code timeout}.
 */
public final class ConsulDiscoveryClientProvider implements DiscoveryClientProvider {

    static final String MODE = "consul-kv";

    @Override
    public String mode() {
        return MODE;
    }

    @Override
    public Set<String> settings() {
        return ConsulSettings.KEYS;
    }

    @Override
    public DiscoveryClient create(DiscoveryConfig config) {
        return new ConsulDiscoveryClient(ConsulSettings.from(config), config.key());
    }
}

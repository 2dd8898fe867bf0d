package io.raftlite.discovery.etcd;

import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryClientProvider;
import io.raftlite.discovery.DiscoveryConfig;

import java.util.Set;

/** The {@code etcd-kv} mode: rqlite's leader key in etcd v3, see {@link EtcdDiscoveryClient}. */
public final class EtcdDiscoveryClientProvider implements DiscoveryClientProvider {

    /** The mode name, rqlite's {@code -disco-mode etcd-kv}. */
    public static final String MODE = "etcd-kv";

    @Override
    public String mode() {
        return MODE;
    }

    @Override
    public Set<String> settings() {
        return EtcdConfig.SETTINGS;
    }

    @Override
    public DiscoveryClient create(DiscoveryConfig config) {
        return new EtcdDiscoveryClient(config.key(), EtcdConfig.from(config));
    }
}

package io.raftlite.server.config;

import io.raftlite.discovery.DiscoveryConfig;

import java.time.Duration;

/**
 * Validated {@code -disco-*} settings: the mode is one a provider on the classpath offers and the config
 * holds only keys that provider knows.
 *
 * @param mode           e.g. {@code etcd-kv}
 * @param config         the key and the provider's settings
 * @param claimTtl       how long an unrenewed claim lives
 * @param reportInterval how often the leader rewrites the record
 * @param reset          delete the record and exit
 * @param consulRegister in consul-kv mode, register the node in Consul's catalog
 */
public record DiscoverySettings(String mode, DiscoveryConfig config, Duration claimTtl, Duration reportInterval,
                                boolean reset, boolean consulRegister) {
}

package io.raftlite.discovery;

import java.util.Set;

/**
 * Makes {@link DiscoveryClient}s for one mode. Found with {@link java.util.ServiceLoader}: a provider lists
 * its class in {@code META-INF/services/io.raftlite.discovery.DiscoveryClientProvider} and needs a public
 * no-argument constructor, so a jar dropped on the classpath adds a mode with no change to raftlite.
 */
public interface DiscoveryClientProvider {

    /** The {@code -disco-mode} name, e.g. {@code etcd-kv}; unique among loaded providers. */
    String mode();

    /** The {@code -disco-config} keys this mode understands; any other key is refused at start. */
    Set<String> settings();

    /**
     * Creates a client; it may connect lazily (an unreachable store is reported by the first call).
     *
     * @throws IllegalArgumentException when the configuration is invalid, with a message naming the key
     */
    DiscoveryClient create(DiscoveryConfig config);
}

package io.raftlite.discovery;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.TreeMap;

/** Finds providers on the classpath by mode name; a wiring error (duplicate or unknown mode) fails loudly. */
public final class DiscoveryClients {

    private final SortedMap<String, DiscoveryClientProvider> providers;

    private DiscoveryClients(SortedMap<String, DiscoveryClientProvider> providers) {
        this.providers = providers;
    }

    /**
     * Loads every provider visible to {@code loader}.
     *
     * @throws IllegalStateException when two providers claim the same mode
     */
    public static DiscoveryClients load(ClassLoader loader) {
        SortedMap<String, DiscoveryClientProvider> found = new TreeMap<>();
        for (DiscoveryClientProvider p : ServiceLoader.load(DiscoveryClientProvider.class, loader)) {
            DiscoveryClientProvider previous = found.putIfAbsent(p.mode(), p);
            if (previous != null) {
                throw new IllegalStateException("two discovery providers claim mode '" + p.mode() + "': "
                        + previous.getClass().getName() + " and " + p.getClass().getName());
            }
        }
        return new DiscoveryClients(found);
    }

    /** The modes found, sorted. */
    public java.util.Set<String> modes() {
        return providers.keySet();
    }

    /**
     * The provider for {@code mode}.
     *
     * @throws IllegalArgumentException naming the known modes when there is none
     */
    public DiscoveryClientProvider provider(String mode) {
        DiscoveryClientProvider p = providers.get(mode);
        if (p == null) {
            throw new IllegalArgumentException("unknown discovery mode '" + mode + "'; known modes: "
                    + (providers.isEmpty() ? "(none on the classpath)" : String.join(", ", providers.keySet())));
        }
        return p;
    }

    /**
     * Creates a client for {@code mode}, refusing configuration keys the provider does not know.
     *
     * @throws IllegalArgumentException for an unknown mode, an unknown key or an invalid value
     */
    public DiscoveryClient create(String mode, DiscoveryConfig config) {
        DiscoveryClientProvider p = provider(mode);
        config.requireOnly(p.settings(), mode);
        return p.create(config);
    }

    /** For tests and tools: the providers by mode. */
    public Map<String, DiscoveryClientProvider> asMap() {
        return java.util.Collections.unmodifiableSortedMap(providers);
    }
}

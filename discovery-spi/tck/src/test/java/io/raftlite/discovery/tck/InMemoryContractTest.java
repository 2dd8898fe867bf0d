package io.raftlite.discovery.tck;

import io.raftlite.discovery.DiscoveryClient;

import java.time.Duration;

/** The contract checked against the in-memory reference store, so the contract itself is known to pass. */
class InMemoryContractTest extends CheckAndSetContract {

    private final InMemoryDiscoveryStore store = new InMemoryDiscoveryStore();

    @Override
    protected DiscoveryClient newClient(String key) {
        return store.client(key);
    }

    @Override
    protected DiscoveryClient unreachableClient(String key) {
        InMemoryDiscoveryStore down = new InMemoryDiscoveryStore();
        down.reachable(false);
        return down.client(key);
    }

    @Override
    protected Duration claimTtl() {
        return Duration.ofMillis(400);
    }

    @Override
    protected Duration expiryGrace() {
        return Duration.ofMillis(100);
    }
}

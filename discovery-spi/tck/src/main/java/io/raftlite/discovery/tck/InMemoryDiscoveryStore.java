package io.raftlite.discovery.tck;

import io.raftlite.discovery.Claim;
import io.raftlite.discovery.ClusterRecord;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryUnavailableException;
import io.raftlite.discovery.StoredRecord;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A check-and-set store in memory: the reference the contract is checked against first
 * ({@code InMemoryContractTest}), and a store that in-process cluster tests can take down at will.
 * Not a provider: nothing registers it, so it never reaches a running node.
 */
public final class InMemoryDiscoveryStore {

    private final Map<String, Entry> entries = new HashMap<>();
    private long revision;
    private boolean reachable = true;
    private long claims;

    private record Entry(ClusterRecord record, long version, long claimId, long expiresAtNanos, Duration ttl) {
        boolean claimed() {
            return claimId != 0;
        }
    }

    /** Makes every client call fail with {@link DiscoveryUnavailableException} (false) or work again (true). */
    public synchronized void reachable(boolean reachable) {
        this.reachable = reachable;
    }

    /** A client for {@code key}. */
    public DiscoveryClient client(String key) {
        return new Client(key);
    }

    private synchronized Optional<Entry> live(String key) throws DiscoveryUnavailableException {
        if (!reachable) {
            throw new DiscoveryUnavailableException("in-memory discovery store is down");
        }
        Entry e = entries.get(key);
        if (e != null && e.claimed() && System.nanoTime() - e.expiresAtNanos > 0) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.ofNullable(e);
    }

    private final class Client implements DiscoveryClient {
        private final String key;

        Client(String key) {
            this.key = key;
        }

        @Override
        public String mode() {
            return "in-memory";
        }

        @Override
        public String key() {
            return key;
        }

        @Override
        public boolean checkAndSet() {
            return true;
        }

        @Override
        public Optional<StoredRecord> read() throws DiscoveryUnavailableException {
            synchronized (InMemoryDiscoveryStore.this) {
                return live(key).map(e -> new StoredRecord(e.record, e.version));
            }
        }

        @Override
        public Optional<Claim> claim(ClusterRecord claimed, Duration ttl) throws DiscoveryUnavailableException {
            synchronized (InMemoryDiscoveryStore.this) {
                if (live(key).isPresent()) {
                    return Optional.empty();
                }
                long id = ++claims;
                Entry e = new Entry(claimed, ++revision, id, System.nanoTime() + ttl.toNanos(), ttl);
                entries.put(key, e);
                return Optional.of(new MemoryClaim(key, id, e.version));
            }
        }

        @Override
        public boolean replace(ClusterRecord record, long expectedVersion) throws DiscoveryUnavailableException {
            synchronized (InMemoryDiscoveryStore.this) {
                Optional<Entry> e = live(key);
                if (e.isEmpty() || e.get().version != expectedVersion) {
                    return false;
                }
                entries.put(key, new Entry(record, ++revision, e.get().claimId, e.get().expiresAtNanos, e.get().ttl));
                return true;
            }
        }

        @Override
        public boolean delete(long expectedVersion) throws DiscoveryUnavailableException {
            synchronized (InMemoryDiscoveryStore.this) {
                Optional<Entry> e = live(key);
                if (e.isEmpty() || e.get().version != expectedVersion) {
                    return false;
                }
                entries.remove(key);
                return true;
            }
        }

        @Override
        public void close() {
        }
    }

    private final class MemoryClaim implements Claim {
        private final String key;
        private final long id;
        private final long version;

        MemoryClaim(String key, long id, long version) {
            this.key = key;
            this.id = id;
            this.version = version;
        }

        @Override
        public long version() {
            return version;
        }

        private Optional<Entry> mine() throws DiscoveryUnavailableException {
            return live(key).filter(e -> e.claimId == id);
        }

        @Override
        public boolean renew() throws DiscoveryUnavailableException {
            synchronized (InMemoryDiscoveryStore.this) {
                Optional<Entry> e = mine();
                e.ifPresent(x -> entries.put(key, new Entry(x.record, x.version, x.claimId,
                        System.nanoTime() + x.ttl.toNanos(), x.ttl)));
                return e.isPresent();
            }
        }

        @Override
        public StoredRecord form(ClusterRecord formed) throws DiscoveryUnavailableException {
            synchronized (InMemoryDiscoveryStore.this) {
                if (mine().isEmpty()) {
                    return null;
                }
                Entry e = new Entry(formed, ++revision, 0, 0, Duration.ZERO);
                entries.put(key, e);
                return new StoredRecord(formed, e.version);
            }
        }

        @Override
        public void abandon() {
            synchronized (InMemoryDiscoveryStore.this) {
                Entry e = entries.get(key);
                if (e != null && e.claimId == id) {
                    entries.remove(key);
                }
            }
        }
    }
}

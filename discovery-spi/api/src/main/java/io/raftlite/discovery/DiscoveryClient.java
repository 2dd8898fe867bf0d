package io.raftlite.discovery;

import java.time.Duration;
import java.util.Optional;

/**
 * One node's view of the discovery store under one key: rqlite's three verbs (read the record, create it
 * if absent by check-and-set, overwrite it as the leader) plus what a safe bootstrap needs, an expiring
 * claim that must be confirmed by check-and-set before it becomes a durable record.
 *
 * <p>Two kinds of store implement it. A check-and-set store ({@link #checkAndSet()} true: Consul KV, etcd)
 * holds one {@link ClusterRecord} per key and supports every method. An address list ({@code false}: DNS)
 * only answers {@link #read()} with a {@link ClusterRecord.State#LISTED} record of the addresses it
 * resolves; the other methods throw {@link UnsupportedOperationException}.
 *
 * <p>Every method may block on the network for at most the provider's own timeout and then throws
 * {@link DiscoveryUnavailableException}; callers retry with backoff. Implementations are thread-safe.
 */
public interface DiscoveryClient extends AutoCloseable {

    /** The mode name this client was made for, e.g. {@code etcd-kv}. */
    String mode();

    /** The key (rqlite's {@code -disco-key}) this client reads and writes; one store can hold many clusters. */
    String key();

    /** Whether this store offers check-and-set (and so claims); DNS does not. */
    boolean checkAndSet();

    /**
     * Reads the record under the key.
     *
     * @return the record with the store's version of it, or empty when there is none (for an address list:
     *         when no address resolves)
     */
    Optional<StoredRecord> read() throws DiscoveryException;

    /**
     * Creates the record if, and only if, there is none: of any number of concurrent callers on any nodes,
     * exactly one gets a claim. The claimed record disappears by itself {@code ttl} after the claim's last
     * renewal unless {@link Claim#form} turned it into a durable record first, so a winner that dies does
     * not strand the others.
     *
     * @param claimed the record to store while the claim is held, normally {@link ClusterRecord.State#CLAIMED}
     * @param ttl     how long the claim lives without renewal; a store may round it up (Consul: at least 10 s)
     * @return the claim, or empty when a record already exists (read it to see whose)
     */
    Optional<Claim> claim(ClusterRecord claimed, Duration ttl) throws DiscoveryException;

    /**
     * Overwrites the record if its version is still {@code expectedVersion} (the leader's periodic rewrite).
     *
     * @return false when the record changed or vanished since it was read
     */
    boolean replace(ClusterRecord record, long expectedVersion) throws DiscoveryException;

    /**
     * Deletes the record if its version is still {@code expectedVersion}: only the operator's explicit reset
     * of a wiped cluster's record calls this, never the bootstrap itself.
     *
     * @return false when the record changed or vanished since it was read
     */
    boolean delete(long expectedVersion) throws DiscoveryException;

    /** Releases connections and threads; an unformed claim is left to expire. Never throws. */
    @Override
    void close();
}

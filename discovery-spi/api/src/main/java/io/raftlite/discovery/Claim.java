package io.raftlite.discovery;

/**
 * A held, expiring claim on a {@link DiscoveryClient}'s key (an etcd lease, a Consul session). The claim
 * lives for its TTL after creation or the last {@link #renew()}, then its record disappears.
 */
public interface Claim {

    /** The store's version of the claimed record, as {@link DiscoveryClient#read()} would report it. */
    long version();

    /**
     * Extends the claim by its TTL.
     *
     * @return false when the claim has already expired (its record is gone or belongs to someone else)
     */
    boolean renew() throws DiscoveryException;

    /**
     * Replaces the claimed record by {@code formed}, durably (no TTL any more), if and only if this claim
     * still holds the key: a winner whose claim expired learns it here, before it accepts members or writes.
     *
     * @return the stored formed record, or null when the claim was lost
     */
    StoredRecord form(ClusterRecord formed) throws DiscoveryException;

    /** Gives the claim up at once (the claimed record disappears); best effort, never throws. */
    void abandon();
}

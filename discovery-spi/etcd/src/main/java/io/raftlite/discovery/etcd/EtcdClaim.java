package io.raftlite.discovery.etcd;

import io.etcd.jetcd.KeyValue;
import io.raftlite.discovery.Claim;
import io.raftlite.discovery.ClusterRecord;
import io.raftlite.discovery.DiscoveryException;
import io.raftlite.discovery.StoredRecord;

/**
 * A claim held by an etcd lease: the claimed key is attached to it, so the key vanishes when the lease is
 * revoked or not kept alive. Forming detaches the key from the lease by a check-and-set put without one.
 */
final class EtcdClaim implements Claim {

    private final EtcdDiscoveryClient client;
    private final long lease;
    private final long version;

    EtcdClaim(EtcdDiscoveryClient client, long lease, long version) {
        this.client = client;
        this.lease = lease;
        this.version = version;
    }

    @Override
    public long version() {
        return version;
    }

    /** One keep-alive; a live lease whose key was rewritten by someone else is no claim any more. */
    @Override
    public boolean renew() throws DiscoveryException {
        long deadline = client.deadline();
        if (!client.keepAlive(deadline, lease)) {
            return false;
        }
        KeyValue kv = client.get(deadline);
        return kv != null && kv.getModRevision() == version;
    }

    @Override
    public StoredRecord form(ClusterRecord formed) throws DiscoveryException {
        long deadline = client.deadline();
        long formedVersion = client.putIfVersion(deadline, "form", formed, version);
        // Formed or lost, the lease has nothing left to hold: a formed key no longer belongs to it.
        client.revokeQuietly(deadline, lease);
        return formedVersion < 0 ? null : new StoredRecord(formed, formedVersion);
    }

    @Override
    public void abandon() {
        long deadline = client.deadline();
        try {
            client.deleteIfVersion(deadline, version);
        } catch (DiscoveryException | RuntimeException e) {
            // best effort: revoking the lease below deletes the key as well
        }
        client.revokeQuietly(deadline, lease);
    }

    @Override
    public String toString() {
        return "EtcdClaim[lease=" + Long.toHexString(lease) + ", version=" + version + "]";
    }
}

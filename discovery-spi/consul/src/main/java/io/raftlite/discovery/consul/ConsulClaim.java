package io.raftlite.discovery.consul;

import io.raftlite.discovery.Claim;
import io.raftlite.discovery.ClusterRecord;
import io.raftlite.discovery.DiscoveryException;
import io.raftlite.discovery.StoredRecord;

/**
 * A Consul session that holds the leader key's lock. It lives while renewed; when it lapses or is destroyed,
 * Consul deletes the key ({@code Behavior=delete}) unless {@link #form} unlocked it first.
 */
final class ConsulClaim implements Claim {

    private final ConsulDiscoveryClient client;
    private final String session;
    private final long version;

    ConsulClaim(ConsulDiscoveryClient client, String session, long version) {
        this.client = client;
        this.session = session;
        this.version = version;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public boolean renew() throws DiscoveryException {
        // a live session whose key was deleted or overwritten by an operator holds nothing
        return client.renewSession(session) && client.heldBy(session);
    }

    @Override
    public StoredRecord form(ClusterRecord formed) throws DiscoveryException {
        long index = client.unlockWith(session, formed);
        if (index < 0) {
            return null;
        }
        client.destroyQuietly(session); // the key is unlocked, so Behavior=delete no longer reaches it
        return new StoredRecord(formed, index);
    }

    @Override
    public void abandon() {
        client.destroyQuietly(session);
    }
}

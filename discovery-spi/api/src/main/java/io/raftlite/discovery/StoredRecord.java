package io.raftlite.discovery;

import java.util.Objects;

/**
 * A record as read from the store, with the store's version of it (etcd's mod revision, Consul's
 * ModifyIndex; 0 for an address list). Versions only serve as check-and-set arguments.
 */
public record StoredRecord(ClusterRecord record, long version) {

    public StoredRecord {
        Objects.requireNonNull(record, "record");
    }
}

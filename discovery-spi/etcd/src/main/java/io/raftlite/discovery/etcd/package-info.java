/**
 * The {@code etcd-kv} discovery mode (jetcd): the same key as rqlite's etcd disco, {@code /<disco-key>/leader},
 * holding a {@link io.raftlite.discovery.RecordJson} record whose version is the key's mod revision.
 *
 * <p>Invariants: every write is one etcd transaction guarded by a compare (create revision 0 to claim, mod
 * revision to form, replace or delete), so two nodes never both believe they own the key; a claimed key is
 * attached to a lease and disappears with it, a formed key has no lease; no call blocks longer than the
 * configured request timeout, and an unreachable store always surfaces as
 * {@link io.raftlite.discovery.DiscoveryUnavailableException}. No dependency on Micronaut (the build enforces it).
 */
package io.raftlite.discovery.etcd;

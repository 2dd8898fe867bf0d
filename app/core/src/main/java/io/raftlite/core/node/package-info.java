/**
 * Who this node is: its id, persisted in the data directory on first start.
 *
 * <p>Invariant: a data directory belongs to exactly one node id, forever. The id is written once (default:
 * the advertised Raft address, as rqlite does) and a later start with a different id is refused, because
 * the Raft log in that directory was written by, and votes as, the original id.
 */
package io.raftlite.core.node;

/**
 * Discovery in the node: forming or joining a cluster through a discovery store when the node has no
 * Raft state ({@link io.raftlite.core.discovery.ClaimBootstrap} for check-and-set stores,
 * {@link io.raftlite.core.discovery.AddressBootstrap} for DNS), and keeping the store's record true while
 * the node runs ({@link io.raftlite.core.discovery.DiscoveryReporter}).
 *
 * <p>Invariants: a node with Raft state never bootstraps and never needs the store to start. A key gets
 * at most one cluster: only a claim confirmed by check-and-set after its group formed becomes a FORMED
 * record, and a winner whose confirmation fails forgets the group it formed alone before it took members
 * or writes (the HTTP API is not up yet). A check-and-set bootstrap may start the node's Raft server late,
 * once it knows its part (a winner then starts it directly as its group's only member), but always before it
 * waits for another node's cluster or joins one. Nothing here deletes a FORMED record. Store errors are retried
 * with jittered backoff and logged once per change ({@link io.raftlite.core.discovery.DiscoveryTracker}).
 */
package io.raftlite.core.discovery;

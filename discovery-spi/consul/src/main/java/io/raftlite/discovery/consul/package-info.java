/**
 * The {@code consul-kv} discovery mode: rqlite's leader key {@code <disco-key>/leader} in Consul's KV store,
 * holding a {@link io.raftlite.discovery.RecordJson} record, through {@code org.kiwiproject:consul-client}.
 *
 * <p>Invariants: a claim creates the key only in a {@code /v1/txn} that also checks the key is absent and
 * locks it with the claim's session ({@code ?cas=0&acquire=} would not do: Consul lets acquire override cas),
 * so exactly one concurrent claimer wins; a claimed key is held by a session with {@code Behavior=delete} and
 * vanishes when the session lapses; forming unlocks the key only if the session still holds it; replace and
 * delete are check-and-set on {@code ModifyIndex} and never act on version 0. Every call is bounded by the
 * {@code timeout} setting; no answer is a {@link io.raftlite.discovery.DiscoveryUnavailableException}. No
 * framework dependency (the build bans io.micronaut).
 */
package io.raftlite.discovery.consul;

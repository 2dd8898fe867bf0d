/**
 * The discovery technology compatibility kit: the contracts every provider's tests extend
 * ({@link io.raftlite.discovery.tck.CheckAndSetContract} for Consul, etcd and other check-and-set stores,
 * {@link io.raftlite.discovery.tck.AddressListContract} for DNS), the real processes those tests start
 * (etcd, dnsmasq; {@link io.raftlite.discovery.tck.ExternalBinary} skips loudly when one is missing and
 * fails under CI), a Consul KV server that follows Consul's documented HTTP semantics for machines with
 * no Consul, and an in-memory reference store.
 *
 * <p>Invariants: used in test scope only; binds loopback addresses only; every process a harness starts is
 * stopped by PID when the harness closes, also when a test fails.
 */
package io.raftlite.discovery.tck;

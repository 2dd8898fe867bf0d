/**
 * The discovery SPI: how nodes that know nothing about each other find one another and elect the node
 * that bootstraps the cluster, by check-and-set on a discovery store (Consul, etcd), or by resolving the
 * same addresses (DNS).
 *
 * <p>A mode is a {@link io.raftlite.discovery.DiscoveryClientProvider} found by
 * {@link java.util.ServiceLoader}; its {@link io.raftlite.discovery.DiscoveryClient} reads and writes one
 * {@link io.raftlite.discovery.ClusterRecord} per key, encoded by {@link io.raftlite.discovery.RecordJson}.
 *
 * <p>Invariants: this module depends on the JDK only, so a third-party provider never drags a framework
 * onto raftlite's classpath (the build enforces it). A record is created only by a claim that expires
 * unless it is confirmed by check-and-set ({@link io.raftlite.discovery.Claim#form}); nothing but an
 * operator's explicit reset deletes a formed record.
 */
package io.raftlite.discovery;

/**
 * The discovery SPI: how nodes that know nothing about each other find one another and elect the node
 * that bootstraps the cluster, by check-and-set on a discovery store (Consul, etcd, DNS).
 *
 * <p>Empty until issue 4 fills it in. Invariant: this module depends on the JDK only, so a third-party
 * provider never drags a framework onto raftlite's classpath (the build enforces it).
 */
package io.raftlite.discovery;

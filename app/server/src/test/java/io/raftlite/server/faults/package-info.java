/**
 * The fault-injection suite (issue 14): raftlite nodes run as the built jar inside network namespaces this
 * test creates (a hub namespace with a bridge, one namespace per node joined to it by a veth pair, addresses in
 * 10.214.0.0/24 that exist only inside those namespaces). A nemesis kills (SIGKILL), pauses (SIGSTOP) and
 * partitions them with iptables rules inside the node namespaces, verified by TCP probes to cut exactly the
 * intended pairs, while clients run unique inserts and per-key registers (read, write, compare-and-set at
 * {@code linearizable} and {@code strong}). The checks: no acknowledged insert lost or duplicated, every
 * register history linearizable ({@link io.raftlite.server.faults.Linearizability}, Wing–Gong–Lowe with
 * indeterminate operations), never two leaders in one term, byte-identical dumps after healing, no 5xx but
 * 503. The test JVM reaches each node's HTTP API through a Unix domain socket that socat forwards inside the
 * node's namespace, so no address outside 127.0.0.0/8 is ever configured in the root namespace.
 */
package io.raftlite.server.faults;

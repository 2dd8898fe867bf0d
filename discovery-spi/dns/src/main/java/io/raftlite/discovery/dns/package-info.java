/**
 * The {@code dns} and {@code dns-srv} discovery modes: address lists, not stores. A
 * {@link io.raftlite.discovery.DiscoveryClient} of either mode only reads; it resolves the nodes' Raft
 * addresses (A/AAAA records paired with a configured port, or SRV records with their own ports) into a
 * {@link io.raftlite.discovery.ClusterRecord.State#LISTED} record, sorted and without duplicates.
 *
 * <h2>The weaker guarantee of DNS mode</h2>
 * DNS has no check-and-set, so no node can win a claim. Bootstrap works as in rqlite: a node waits until at
 * least {@code -bootstrap-expect} addresses resolve, tries to join an existing cluster at those addresses
 * first (as with {@code -join}), and only when none answers forms a cluster with exactly the addresses it
 * resolved, in a deterministic way, so that every node computing from the same answer reaches the same
 * outcome. This is what a Kubernetes headless service (or a fixed set of A records) provides.
 *
 * <p>It is weaker than Consul or etcd mode, and the difference is the operator's to manage:
 * <ul>
 *   <li>Nothing makes two nodes see the same answer. If DNS answers differ between nodes (a record added
 *       while some nodes already resolved, caches or split-horizon views, two DNS servers out of step), two
 *       disjoint sets of nodes that each see at least {@code -bootstrap-expect} addresses at different times
 *       can each form a cluster: a split brain that no later DNS answer repairs. Set
 *       {@code -bootstrap-expect} to the full size of the first cluster, a majority of which must be the
 *       same nodes for every observer, and publish all first members before starting them.</li>
 *   <li>Joining first, as {@code -join} does, is what makes nodes that appear later (scale-up, a replaced
 *       pod) join the existing cluster instead of forming a new one; it only works while some listed
 *       address belongs to a live member.</li>
 *   <li>A listed address says nothing about the node behind it: it may be down, not yet started, or from
 *       another cluster. Membership is decided by Raft, never by DNS.</li>
 * </ul>
 *
 * <p>Invariants: every {@code read()} asks the DNS server afresh (no cache here, records are served with
 * whatever TTL the server gives but never stored), because nodes appear over time; "no such name" or "no
 * records" reads empty, while a timeout, an unreachable server, SERVFAIL or REFUSED throws
 * {@link io.raftlite.discovery.DiscoveryUnavailableException}, so a node never mistakes a broken resolver for
 * an empty cluster; an error for one of A and AAAA while the other answers with addresses is not a failure
 * (those addresses are used, as by Go's resolver and glibc: dnsmasq answers REFUSED to AAAA for an
 * IPv4-only host record); {@code claim}, {@code replace} and {@code delete} always throw
 * {@link java.lang.UnsupportedOperationException}. No Micronaut here (the build enforces it).
 */
package io.raftlite.discovery.dns;

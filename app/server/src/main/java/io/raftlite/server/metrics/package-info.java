/**
 * {@code /metrics}: the node's Prometheus text exposition through Micrometer (Micronaut's registry, its JVM,
 * process and HTTP-server binders) plus raftlite's own series, named and explained in
 * {@code docs/operations.md}.
 *
 * <p>Invariants: with {@code -metrics=false} ({@link io.raftlite.server.metrics.MetricsProperties}) no
 * registry exists, {@code /metrics} answers 404 and the store reports to {@link
 * io.raftlite.core.store.StoreObserver#NONE}. Gauges read the store lazily on scrape (one
 * {@link io.raftlite.core.store.StoreStatus} per scrape at most, cached for a second), never on the request
 * path; the request path only records into pre-registered timers whose histograms have a fixed, small set
 * of buckets. Every label has a bounded set of values (roles, discovery mode, URI templates, status codes).
 */
package io.raftlite.server.metrics;

/**
 * Watches over the replicated database, Consul's blocking-query way: {@link io.raftlite.core.watch.ChangeLog}
 * keeps, per user table, the newest log index at which a committed entry changed it, and completes waiting
 * watchers from the apply thread. Plain Java, no Ratis and no Micronaut.
 *
 * <p>Invariants: a table's index only grows while the node runs; an index is recorded only for changes that
 * committed (see {@code io.raftlite.core.db.ChangeCapture}); after a restart, restore or snapshot install every
 * table counts as changed at that index (the floor), so a watcher never misses a change, it may only be
 * woken once too often. A watcher holds no thread: it is a future completed by the apply thread or by its
 * wait's timer. Their number is bounded.
 */
package io.raftlite.core.watch;

/**
 * Queued writes (rqlite's {@code ?queue}): requests are acknowledged at once with a sequence number and
 * later flushed together as ONE log entry, trading a small risk of loss on a crash for throughput.
 *
 * <p>Invariants: requests are flushed in arrival order; a batch holds at most {@code batchSize} statements
 * unless one request alone is larger; a ticket's future completes only once its batch has been applied
 * through the log; a batch whose submission fails (no leader, timeout) is retried, never dropped, until
 * the queue is closed. SQL errors inside a batch are not retried and are not reported to clients (as in
 * rqlite); they are logged.
 */
package io.raftlite.core.queue;

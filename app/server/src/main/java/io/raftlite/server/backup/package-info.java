/**
 * rqlite's automatic backups ({@code -auto-backup FILE}, {@code rqlite:auto/backup}), storage type {@code file}:
 * every {@code interval} the leader copies its database to a file in a local directory.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Only the node that leads when the interval elapses writes; the others do nothing.</li>
 *   <li>A backup is skipped when nothing was applied since the last one, or when its content (SHA-256 of the
 *       uncompressed copy) equals the last one's, also across restarts (kept in {@code METADATA.json}).</li>
 *   <li>A destination file is only ever replaced by a rename from a fully written, fsynced temp file in the same
 *       directory, followed by {@code METADATA.json} the same way: a reader sees the old or the new backup.</li>
 *   <li>{@code s3} and {@code gcs} are refused at start with a clear message: no such server to test against.</li>
 * </ul>
 */
package io.raftlite.server.backup;

/**
 * The SQLite layer: the live database that every replica keeps identical by applying the same log
 * entries, and rqlite's statement semantics on top of it.
 *
 * <p><b>Connections and threads.</b> {@link io.raftlite.core.db.Database} owns one write connection, one
 * read-only connection for strong reads (reads through the log, run by the apply thread) and a pool of
 * read-only connections (SQLITE_OPEN_READONLY plus {@code PRAGMA query_only=1}).
 * {@code apply}, {@code loadDatabase}, {@code loadSql} and {@code restoreFrom} are called from the single
 * apply thread only and are the only users of the write connection; {@code query}, {@code copyTo},
 * {@code dumpSql} and {@code sizeBytes} may run on any thread, concurrently with them: queries on a pooled
 * connection, {@code copyTo} and {@code dumpSql} on one opened for the call, {@code sizeBytes} on a status
 * connection of its own. Replacing the file ({@code loadDatabase}, {@code restoreFrom}) takes a write lock
 * that waits for borrowed read connections to come back, closes everything, swaps the file, deletes
 * stale {@code -wal}/{@code -shm} files and reopens, so a reader sees either the old or the new database.
 *
 * <p><b>Reads</b> are bounded in time and memory ({@link io.raftlite.core.db.ReadLimits}), whatever the request:
 * <ul>
 *   <li>Every statement runs under a deadline: the client's {@code db_timeout}, a default when it gives none,
 *       never more than a maximum; at the deadline SQLite's progress handler, which looks at the clock every
 *       thousand steps, stops it with rqlite's {@code query timeout} (no timer thread to wake). A statement
 *       waiting for a lock runs no steps, so its lock wait (5 s at most) is also cut to the time left.</li>
 *   <li>A read takes a free pooled connection without waiting. When none is free it takes one of the short
 *       lane's extra connections (waiting at most the short deadline, since every holder frees it by then),
 *       whose statements must finish within {@link io.raftlite.core.db.ReadLimits#SHORT_LANE_TIMEOUT}; a
 *       read that does not is stopped and waits (bounded) for the next pooled connection, then runs whole
 *       there (reads are idempotent). No connection within the wait: {@link io.raftlite.core.db.ReadBusyException},
 *       which the API answers 503 with {@code Retry-After}. So slow queries can hold the pool but never the
 *       short lane, and a short read answers in milliseconds while every pooled connection is busy.</li>
 *   <li>{@code sizeBytes} (status, readiness, metrics) uses a connection of its own under its own lock and
 *       never waits for a file swap, so health endpoints never queue behind client queries.</li>
 *   <li>A connection is reset before it is lent again: a transaction the client left open ({@code BEGIN},
 *       {@code SAVEPOINT}) is rolled back (detected by a {@code BEGIN} that fails) and {@code query_only} is
 *       set again; one that cannot be reset is closed and replaced. No transaction, snapshot
 *       or setting survives a request.</li>
 *   <li>Rows are charged to a {@link io.raftlite.core.db.ResultBudget} as they are read: a deterministic
 *       estimate of the heap each value takes while held and rendered, so the same budget gives the same
 *       per-statement error ({@code query result too large}) on every replica when results are produced
 *       during apply (the apply path's budget is a constant). A read's budget also draws on a node-wide
 *       pool of in-flight bytes (busy when used up), kept until the response is rendered when the HTTP layer
 *       holds it ({@link io.raftlite.core.db.ResultHold}). Read connections' {@code SQLITE_LIMIT_LENGTH} is an
 *       eighth of the per-request budget, so no value that could not fit ever reaches the heap
 *       ({@code string or blob too big});
 *       whole-database work (copy, dump) runs on a connection of its own without that limit, and the dump
 *       writes values over 1 MiB in chunks.</li>
 * </ul>
 * Known gap: a linearizable read runs on a Raft thread and gives its bytes back before the response is
 * rendered; with {@code blob_array} a blob renders at about 16 bytes per byte, twice what is counted.
 *
 * <p><b>Durability.</b> The file is in WAL mode with {@code synchronous=OFF}: it is a derived cache,
 * rebuilt at every start from the newest snapshot plus the Raft log (which is durable), so losing its
 * last writes in a crash costs nothing. Foreign keys are off, as in rqlite.
 *
 * <p><b>Determinism.</b> One log entry must produce the same database on every replica and on every
 * replay. The write connection carries application-defined functions (which SQLite prefers over its
 * built-ins) reading the entry's {@link io.raftlite.core.db.EntryContext}: {@code random()} and
 * {@code randomblob(N)} draw from a {@link java.util.SplittableRandom} seeded with the entry's seed;
 * {@code CURRENT_TIMESTAMP}/{@code CURRENT_DATE}/{@code CURRENT_TIME} (which SQLite parses as calls to
 * functions of those names, column defaults included) and the {@code 'now'} time value of
 * {@code date}, {@code time}, {@code datetime}, {@code julianday}, {@code unixepoch}, {@code strftime}
 * and {@code timediff} become the entry's timestamp. The result is computed by SQLite's real built-in on a
 * private in-memory connection, with {@code 'now'} replaced by the instant as text
 * {@code YYYY-MM-DD HH:MM:SS.SSS} UTC, which has 'now''s millisecond resolution and is, like 'now', not a
 * numeric time value (so {@code 'unixepoch'} after it is refused exactly as SQLite refuses it).
 * The {@code 'localtime'}/{@code 'utc'} modifiers depend on the host's time zone, so on the write path
 * they are no-ops (local time is UTC), a deliberate difference from SQLite that keeps replicas in
 * different zones identical.
 * The functions are active only inside {@code apply}/{@code loadSql}; read connections have none, so
 * reads see SQLite's own clock and random numbers. An entry never ends with a transaction open: a
 * client's unmatched {@code BEGIN} is committed at the end of the entry.
 *
 * <p><b>Policy and budgets.</b> Every statement applied from the log is checked against
 * {@link io.raftlite.core.sql.SqlPolicy} again (a refused one gets the policy's message as its error) and runs
 * within the {@link io.raftlite.core.db.WriteLimits}: a VM-step budget per statement, SQLite's length limits
 * and, on the write connection, {@code max_page_count}. Exceeding one is a deterministic error result;
 * see {@link io.raftlite.core.db.ApplyBudget} for how the quota's SQLITE_FULL is told from a full disk.
 * Connection-scoped pragmas a statement may set (foreign_keys, defer_foreign_keys, recursive_triggers) are
 * put back to their defaults after the entry that mentions a pragma, so every entry starts as on a freshly
 * opened connection.
 *
 * <p><b>Errors.</b> A deterministic SQL error (syntax, constraint, no such table, bad parameter count)
 * becomes an {@link io.raftlite.core.command.ErrorResult} with SQLite's own message; an environmental
 * failure on the write connection (full, I/O error, corruption, not a database, no memory, busy,
 * read-only file...) throws {@link io.raftlite.core.db.StorageException} so the node stops instead of
 * recording an outcome other replicas would not share. Reads report every failure per statement.
 *
 * <p><b>Statements.</b> An empty, blank or comment-only string is skipped and yields no result (rqlite
 * skips an empty string). A string holding several {@code ;}-separated statements (split by
 * {@link io.raftlite.core.sql.StatementSplitter}, which keeps trigger bodies whole) runs them all in
 * order and reports the last one's result, or the first error; with parameters it is refused with an
 * {@code ErrorResult}, since parameters cannot be attributed to one statement.
 *
 * Connection counters are reset at the start of every entry ({@code last_insert_rowid()} and
 * {@code changes()} read 0, as on a freshly opened connection), so an entry replays identically after a
 * restart; rqlite carries them over between requests (its "DROP TABLE reports the previous insert"
 * quirk therefore shows only within one request here).
 *
 * <p><b>Changed tables.</b> After each entry the apply thread takes the user tables it committed
 * ({@link io.raftlite.core.db.Database#takeChanges}, for {@code /db/watch}): collected by SQLite's update hook
 * and kept only when the commit hook fires, never for a rolled-back transaction or a failed autocommit
 * statement. What the hook cannot see (DDL, WITHOUT ROWID rows, the truncate optimisation, a load, a
 * restore) counts as every table: a watcher may wake once too often, never miss a change.
 *
 * <p><b>Known gaps.</b> Other connection state is not part of the database: {@code total_changes()} starts
 * afresh after a restart or restore, so a statement depending on it can replay differently.
 * SQLite's own internal randomness (a random rowid once the largest rowid is in use) is not seeded.
 */
package io.raftlite.core.db;

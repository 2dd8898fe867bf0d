/**
 * Looking at SQL text without running it: a lexer ({@link io.raftlite.core.sql.SqlLexer}), a statement
 * splitter ({@link io.raftlite.core.sql.StatementSplitter}) and the request policy
 * ({@link io.raftlite.core.sql.SqlPolicy}).
 *
 * <p>Invariants: decisions are made on tokens, never on raw text, so words inside string literals,
 * quoted identifiers and comments never trigger a refusal or change a classification. Refusals follow
 * rqlite ({@code disallowed pragma} for setting {@code journal_mode}, {@code synchronous},
 * {@code wal_autocheckpoint} and any {@code wal_checkpoint}, with or without a schema prefix; reading
 * those pragmas is allowed, as in rqlite) plus ATTACH/DETACH, {@code load_extension(} and
 * {@code VACUUM INTO}, which could reach files outside the database, and setting {@code max_page_count},
 * which would make every replica fail-stop. {@code isReadOnly} answers true only when certain; false
 * merely sends a statement through the log. Everything here is stateless and thread-safe.
 */
package io.raftlite.core.sql;

/**
 * Looking at SQL text without running it: a lexer ({@link io.raftlite.core.sql.SqlLexer}), a statement
 * splitter ({@link io.raftlite.core.sql.StatementSplitter}) and the request policy
 * ({@link io.raftlite.core.sql.SqlPolicy}, with its pragma allow-list in
 * {@link io.raftlite.core.sql.PragmaRules}).
 *
 * <p>Invariants: decisions are made on tokens, never on raw text, so words inside string literals,
 * quoted identifiers and comments never trigger a refusal or change a classification. A pragma is allowed
 * only when the allow-list names it for that form (read, read with an argument, set); everything else is
 * rqlite's {@code disallowed pragma}, in reads and writes alike, table-valued {@code pragma_xxx} forms
 * included. Also refused: ATTACH/DETACH, {@code VACUUM INTO}, {@code load_extension} and
 * {@code fts3_tokenizer} (files and native code), writes to SQLite's schema tables, TEMP objects and the
 * {@code temp} schema (connection state that snapshots do not carry), and names starting with
 * {@code raftlite_} (reserved for raftlite's own objects). The verdict is a pure function of the SQL text:
 * the policy is part of the replicated state machine (every replica re-checks it at apply), so all nodes of
 * a cluster must run the same version. {@code isReadOnly} answers true only when certain; false merely sends
 * a statement through the log. Everything here is stateless and thread-safe.
 */
package io.raftlite.core.sql;

/**
 * The command-line client: {@code raftlite query|exec|status|backup|restore|watch|shell}, which talk to a node's
 * HTTP API like curl would (docs/cli.md).
 *
 * <p>Invariants: nothing here starts a Micronaut context, a Raft store or SQLite: a CLI call loads the JDK's HTTP
 * client, the core JSON reader and, for TLS files, the core PEM reader only, so it starts in a fraction of a
 * second. A password never comes from the command line (it would show in {@code ps} and in shell histories):
 * {@code RAFTLITE_PASSWORD} or a prompt. Exit codes are fixed ({@link io.raftlite.server.cli.Exit}) so scripts can
 * rely on them; results go to stdout, diagnostics to stderr.
 */
package io.raftlite.server.cli;

/**
 * Rendered files (issue 15, consul-template with confd's {@code check_cmd}): each entry of the {@code render}
 * list in raftlite.yml turns a Pebble template that queries this node's database into a file, validates it
 * with an optional check command and runs an optional reload command after a change.
 *
 * <p>Invariants:
 * <ul>
 *   <li>A destination is only ever replaced by a rename from a fully written and fsynced temp file in the same
 *       directory, with its permissions set before the rename; equal content never touches the file.</li>
 *   <li>Nothing is written while the node is not ready or is behind its freshness bound ({@link RenderSource}).</li>
 *   <li>Data never reaches a command line: commands are argv lists from the operator's config, run without a
 *       shell, with a timeout, and at most {@link Commands#MAX_OUTPUT} bytes of their output are logged.</li>
 *   <li>Change detection goes through {@link TableChanges} only: in the node, {@link ChangeLogTableChanges} over
 *       the change log behind {@code GET /db/watch}; {@code raftlite render} against a remote node uses
 *       {@link PollingTableChanges}, which treats every applied log entry as a change of every table.</li>
 * </ul>
 * Destinations and commands are operator-controlled: whoever can write raftlite.yml can make the service
 * user write any file it may write and run any program it may run.
 */
package io.raftlite.server.render;

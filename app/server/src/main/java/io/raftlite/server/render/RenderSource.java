package io.raftlite.server.render;

import io.raftlite.core.command.QueryResult;
import io.raftlite.core.command.Statement;

import java.time.Duration;

/** What a template needs from the node: local reads and whether this node's copy may be written out. */
public interface RenderSource {

    /**
     * Runs one read-only statement on this node's copy ({@code level=none}, with the node's read limits).
     *
     * @throws IllegalStateException with SQLite's or the limit's message when the statement fails
     */
    QueryResult query(Statement statement);

    /**
     * Null when this node is ready and has heard from its leader within {@code freshness} (zero: not checked)
     * with nothing committed left to apply; otherwise why rendering must wait.
     */
    String staleReason(Duration freshness);
}

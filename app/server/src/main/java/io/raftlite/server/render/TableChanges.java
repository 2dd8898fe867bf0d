package io.raftlite.server.render;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What rendering needs from change detection: the seam the watch machinery ({@code GET /db/watch}'s per-table
 * change log, through {@link ChangeLogTableChanges}) plugs into; {@link PollingTableChanges} serves
 * {@code raftlite render} against a node's HTTP API.
 */
public interface TableChanges {

    /** The table set that stands for "every table" (a snapshot install, or a source that cannot tell). */
    Set<String> ALL = Set.of("*");

    /** The newest log index this node has applied a change at. */
    long index();

    /** Lower-cased names of the tables changed after {@code index}, or {@link #ALL}. */
    Set<String> changedSince(long index);

    /**
     * Completes once one of {@code tables} (null: any) changed after {@code afterIndex}, or after {@code max}
     * without such a change (normally, not exceptionally).
     */
    CompletableFuture<Void> awaitChange(Set<String> tables, long afterIndex, Duration max);

    /** True when {@code changed} touches {@code tables} (null: the reader's tables are unknown, so yes). */
    static boolean touches(Set<String> changed, Set<String> tables) {
        if (changed.isEmpty()) {
            return false;
        }
        if (tables == null || changed.contains("*")) {
            return true;
        }
        return changed.stream().anyMatch(tables::contains);
    }
}

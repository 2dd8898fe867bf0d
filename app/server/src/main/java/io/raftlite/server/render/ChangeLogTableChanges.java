package io.raftlite.server.render;

import io.raftlite.core.watch.ChangeLog;
import io.raftlite.core.watch.WatchResult;

import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The node's own change log ({@code GET /db/watch}'s) as rendering's {@link TableChanges}: a template wakes when a
 * table changed at a newer log index, at once, instead of on the next poll. Table names are compared lower-cased
 * (SQL names are case-insensitive; the log keeps them as SQLite reports them), so a wait is for any table and
 * {@link RenderService} keeps only changes of the tables a template read. A change the log cannot name (a
 * snapshot install or restore, where every table counts as changed) is {@link #ALL}. A render's wait counts
 * among the log's watchers, not against {@code -watch-max-watchers}' HTTP clients.
 */
final class ChangeLogTableChanges implements TableChanges {

    /** Not a table the log ever names (a table called "*" would only cause an extra render): asks for the floor. */
    private static final Set<String> EVERY_TABLE_MARK = Set.of("*");

    private final ChangeLog log;

    ChangeLogTableChanges(ChangeLog log) {
        this.log = log;
    }

    @Override
    public long index() {
        return log.appliedIndex();
    }

    @Override
    public Set<String> changedSince(long index) {
        if (!log.now(EVERY_TABLE_MARK, index).tables().isEmpty()) {
            return ALL;
        }
        Set<String> names = new HashSet<>();
        for (String t : log.now(null, index).tables()) {
            names.add(t.toLowerCase(Locale.ROOT));
        }
        return names;
    }

    @Override
    public CompletableFuture<Void> awaitChange(Set<String> tables, long afterIndex, Duration max) {
        return log.watch(null, afterIndex, max, Integer.MAX_VALUE)
                .map(f -> f.thenApply((WatchResult r) -> (Void) null))
                .orElseGet(() -> CompletableFuture.completedFuture(null));
    }
}

package io.raftlite.server.render;

import io.raftlite.core.api.ReadLevel;
import io.raftlite.core.command.ErrorResult;
import io.raftlite.core.command.QueryResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import io.raftlite.core.store.StoreStatus;
import io.raftlite.server.http.DataStore;
import io.raftlite.server.http.Leadership;
import io.raftlite.server.http.StatusApi;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;

/** {@link RenderSource} on the node's own store: {@code level=none} reads with the node's read limits. */
final class StoreRenderSource implements RenderSource {

    private final DataStore store;
    private final Duration dbTimeout;

    StoreRenderSource(DataStore store, Duration dbTimeout) {
        this.store = store;
        this.dbTimeout = dbTimeout;
    }

    @Override
    public QueryResult query(Statement statement) {
        StatementResult r;
        try {
            r = store.read(ReadLevel.NONE, List.of(statement), false, dbTimeout).join().get(0);
        } catch (RuntimeException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(String.valueOf(cause.getMessage()), cause);
        }
        if (r instanceof ErrorResult err) {
            throw new IllegalStateException(err.error());
        }
        if (r instanceof QueryResult q) {
            return q;
        }
        throw new IllegalStateException("not a query: " + statement.sql());
    }

    @Override
    public String staleReason(Duration freshness) {
        StoreStatus s = store.status();
        if (!StatusApi.isReady(s)) {
            return "node not ready";
        }
        if (s.appliedIndex() < s.commitIndex()) {
            return "node behind (applied " + s.appliedIndex() + " < committed " + s.commitIndex() + ")";
        }
        Leadership l = store.leadership();
        if (freshness.isZero() || l.isLeader()) {
            return null;
        }
        Duration since = l.sinceLeaderContact();
        return since == null || since.compareTo(freshness) > 0 ? "no contact with the leader within freshness "
                + freshness.toMillis() + " ms" : null;
    }
}

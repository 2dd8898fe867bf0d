package io.raftlite.server.render;

import io.raftlite.core.command.QueryResult;
import io.raftlite.core.command.Statement;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A settings table in memory: {@code SELECT k, v FROM settings WHERE env = ?} answers its rows for that env. */
final class FakeSource implements RenderSource {

    final Map<String, String> settings = new ConcurrentHashMap<>();
    final List<Statement> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile String stale;

    @Override
    public QueryResult query(Statement statement) {
        seen.add(statement);
        if (!statement.sql().contains("settings")) {
            throw new IllegalStateException("no such table: other");
        }
        List<List<Object>> rows = new ArrayList<>();
        settings.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> rows.add(List.of(e.getKey(), e.getValue())));
        return new QueryResult(List.of("k", "v"), List.of("text", "text"), rows, 0);
    }

    @Override
    public String staleReason(Duration freshness) {
        return stale;
    }
}

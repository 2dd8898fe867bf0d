package io.raftlite.server.cli;

import io.raftlite.core.command.QueryResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.json.Json;
import io.raftlite.core.json.JsonException;
import io.raftlite.server.render.RenderSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link io.raftlite.server.render.RenderSource} over a node's HTTP API, for {@code raftlite render}: reads are
 * {@code POST /db/query?level=none&freshness=...} (the node refuses a stale read itself), readiness is
 * {@code /readyz}, and the applied index (the fallback change feed) comes from {@code /status}.
 */
final class HttpRenderSource implements RenderSource {

    private final NodeClient node;
    private final Duration freshness;

    HttpRenderSource(NodeClient node, Duration freshness) {
        this.node = node;
        this.freshness = freshness;
    }

    @Override
    public QueryResult query(Statement statement) {
        List<Object> row = new ArrayList<>();
        row.add(statement.sql());
        row.addAll(statement.positional());
        String path = "/db/query?level=none" + (freshness.isZero() ? "" : "&freshness=" + freshness.toMillis() + "ms");
        try {
            byte[] body = node.send("POST", path, "application/json",
                    Json.write(List.of(row), false).getBytes(StandardCharsets.UTF_8));
            Map<?, ?> root = (Map<?, ?>) Json.parse(body);
            Map<?, ?> result = (Map<?, ?>) ((List<?>) root.get("results")).get(0);
            if (result.get("error") != null) {
                throw new IllegalStateException(String.valueOf(result.get("error")));
            }
            List<String> columns = strings(result.get("columns"));
            List<List<Object>> rows = new ArrayList<>();
            if (result.get("values") instanceof List<?> values) {
                values.forEach(v -> rows.add(new ArrayList<>((List<?>) v)));
            }
            return new QueryResult(columns, strings(result.get("types")), rows, 0);
        } catch (CliException | JsonException | ClassCastException | IndexOutOfBoundsException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public String staleReason(Duration ignored) {
        try {
            int status = node.exchange("GET", "/readyz", null, null, Duration.ofSeconds(10)).status();
            return status == 200 ? null : "node not ready (/readyz " + status + ")";
        } catch (CliException e) {
            return "node unreachable: " + e.getMessage();
        }
    }

    /** The node's applied index from {@code /status}, or -1 when it cannot be read (no change is assumed). */
    long appliedIndex() {
        try {
            Map<?, ?> raft = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) Json.parse(node.send("GET", "/status", null, null)))
                    .get("store")).get("raft");
            return ((Number) raft.get("applied_index")).longValue();
        } catch (CliException | JsonException | RuntimeException e) {
            return -1;
        }
    }

    private static List<String> strings(Object list) {
        return list instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }
}

package io.raftlite.server.http;

import io.raftlite.core.api.BadRequestException;
import io.raftlite.core.api.QueryParams;
import io.raftlite.core.api.RequestLimits;
import io.raftlite.core.api.RequestParser;
import io.raftlite.core.command.Statement;
import io.raftlite.core.json.Json;
import io.raftlite.core.sql.SqlPolicy;
import io.raftlite.server.edge.BodyBudget;
import io.raftlite.server.edge.RequestCharge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * rqlite's {@code /db/sql} ({@code GET ?q=} or {@code POST} with a request body as for {@code /db/execute}):
 * {@code {"results":[{"original":..,"rewritten":..}]}}, or {@code "error"} in place of {@code "rewritten"};
 * changes nothing. rqlite shows how it would rewrite {@code RANDOM()} and time functions into literals.
 * raftlite never rewrites the text (docs/design.md, Determinism): the statement runs as written, and on the
 * connection that applies the log those functions read the entry's seed and timestamp. So {@code rewritten}
 * is the statement as it will run, i.e. the original; {@code error} is raftlite's own refusal of it (a
 * disallowed pragma, ATTACH, TEMP objects, ...), which rqlite reports from its parser. {@code norwrandom} and
 * {@code norwtime} are accepted and change nothing. A body's statements draw from {@code -http-body-budget}
 * until the answer is rendered, as for {@code /db/execute} (413 / 503 past it).
 */
public final class SqlPreviewApi {

    private final BodyBudget budget;

    public SqlPreviewApi(BodyBudget budget) {
        this.budget = budget;
    }

    public Reply preview(Map<String, List<String>> query, byte[] body, String contentType, boolean get) {
        long start = System.nanoTime();
        byte[] bytes = body == null ? new byte[0] : body;
        try (RequestCharge charge = new RequestCharge(budget, bytes.length)) {
            QueryParams p = QueryParams.parse(query);
            List<Statement> statements;
            if (get) {
                if (p.q() == null) {
                    return Reply.text(400, "query not specified");
                }
                statements = List.of(Statement.of(p.q()));
            } else {
                statements = charge.parse(() -> RequestParser.parse(bytes, contentType, RequestLimits.DEFAULT, charge));
            }
            List<Object> results = new ArrayList<>();
            for (Statement s : statements) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("original", s.sql());
                Optional<String> refusal = SqlPolicy.refusal(s.sql());
                r.put(refusal.isPresent() ? "error" : "rewritten", refusal.orElse(s.sql()));
                results.add(r);
            }
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("results", results);
            if (p.timings()) {
                response.put("time", (System.nanoTime() - start) / 1e9);
            }
            return Reply.json(Json.writeUtf8(response, p.pretty()));
        } catch (BadRequestException e) {
            return Reply.text(e.status(), e.getMessage());
        }
    }
}

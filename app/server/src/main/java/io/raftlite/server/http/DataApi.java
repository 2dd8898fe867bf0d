package io.raftlite.server.http;

import io.raftlite.core.api.BadRequestException;
import io.raftlite.core.api.QueryParams;
import io.raftlite.core.api.ReadLevel;
import io.raftlite.core.api.RenderOptions;
import io.raftlite.core.api.RequestLimits;
import io.raftlite.core.api.RequestParser;
import io.raftlite.core.api.Response;
import io.raftlite.core.api.ResponseWriter;
import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.Statement;
import io.raftlite.core.command.StatementResult;
import io.raftlite.core.db.ReadBusyException;
import io.raftlite.core.db.ResultHold;
import io.raftlite.core.queue.WriteQueue;
import io.raftlite.core.sql.SqlPolicy;
import io.raftlite.core.store.StoreException;
import io.raftlite.core.store.StoreStatus;
import io.raftlite.server.edge.BodyBudget;
import io.raftlite.server.edge.RequestCharge;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * rqlite's data endpoints as plain Java: parse, check, route to the log or a local read, render.
 * Every method returns a {@link Reply}; a {@link BadRequestException} becomes a plain-text 4xx.
 */
public final class DataApi {

    private final DataStore store;
    private final WriteQueue queue;
    private final BodyBudget budget;

    /**
     * @param budget the node's in-flight body budget; each request's parsed statements and parameters are drawn
     *               from it too ({@link RequestCharge}), so that memory never depends on the request's shape
     */
    public DataApi(DataStore store, WriteQueue queue, BodyBudget budget) {
        this.store = store;
        this.queue = queue;
        this.budget = budget;
    }

    /** {@code POST /db/execute}. */
    public Reply execute(String uri, Map<String, List<String>> query, byte[] body, String contentType) {
        return serve(query, body, (p, start, charge) -> {
            Reply redirect = redirect(p, uri);
            if (redirect != null) {
                return redirect;
            }
            if (p.queue()) {
                return queued(p, body, contentType, charge);
            }
            List<Statement> statements = allowed(parse(body, contentType, charge));
            CommandResult r = await(store.submit(newCommand(Command.Kind.EXECUTE, statements, p)), p);
            return render(result(r, p, start), p, false);
        });
    }

    /** {@code GET /db/query?q=} and {@code POST /db/query}. */
    public Reply query(String uri, Map<String, List<String>> query, byte[] body, String contentType, boolean get) {
        return serve(query, body, (p, start, charge) -> {
            Reply redirect = p.level() == ReadLevel.NONE ? null : redirect(p, uri);
            if (redirect != null) {
                return redirect;
            }
            if (get && (p.q() == null || p.q().isBlank())) {
                throw new BadRequestException("query parameter not set");
            }
            List<Statement> statements = allowed(get ? List.of(Statement.of(p.q()))
                    : parse(body, contentType, charge));
            try (ResultHold hold = ResultHold.open()) { // the results' bytes count until they are rendered
                return render(new Response(read(statements, p), null, timing(p, start), null, null), p, false);
            }
        });
    }

    /** {@code POST /db/request}: reads and writes mixed; all-read requests below strong skip the log. */
    public Reply request(String uri, Map<String, List<String>> query, byte[] body, String contentType) {
        return serve(query, body, (p, start, charge) -> {
            Reply redirect = p.level() == ReadLevel.NONE ? null : redirect(p, uri);
            if (redirect != null) {
                return redirect;
            }
            if (p.queue()) {
                throw new BadRequestException("queue is not supported on /db/request");
            }
            List<Statement> statements = allowed(parse(body, contentType, charge));
            boolean allReads = statements.stream().allMatch(s -> SqlPolicy.isReadOnly(s.sql()));
            if (allReads && p.level() != ReadLevel.STRONG) {
                try (ResultHold hold = ResultHold.open()) {
                    return render(new Response(read(statements, p), null, timing(p, start), null, null), p, true);
                }
            }
            CommandResult r = await(store.submit(newCommand(Command.Kind.EXECUTE, statements, p)), p);
            return render(result(r, p, start), p, true);
        });
    }

    /**
     * {@code POST /db/load}: a SQLite file (recognised by its header) or SQL text, applied through the log. A
     * file answers {@code {"results":[]}}; SQL text answers rqlite's one execute result for the whole dump
     * (rqlite runs the text as one statement with rollback on error): the error of the statement that failed,
     * or {@code last_insert_id}/{@code rows_affected} after the last one. One result, however long the dump.
     */
    public Reply load(String uri, Map<String, List<String>> query, byte[] body) {
        return serve(query, body, (p, start, charge) -> {
            Reply redirect = redirect(p, uri);
            if (redirect != null) {
                return redirect;
            }
            if (body == null || body.length == 0) {
                throw new BadRequestException("empty body");
            }
            Command command = isSqliteFile(body)
                    ? new Command(Command.Kind.LOAD_DATABASE, false, now(), seed(), List.of(), body)
                    : loadSql(body, charge);
            CommandResult r = await(store.submit(command), p);
            if ("invalid SQLite data".equals(r.error())) {
                return Reply.text(400, r.error());
            }
            return render(new Response(r.results(), r.error(), timing(p, start), null,
                    p.raftIndex() ? r.raftIndex() : null), p, false);
        });
    }

    /** One endpoint's work, given validated parameters, the request's start time and its parse charge. */
    @FunctionalInterface
    private interface Handler {
        Reply handle(QueryParams params, long startNanos, RequestCharge charge) throws BadRequestException;
    }

    /**
     * Validates the query parameters, runs the handler and maps every expected failure to its answer. What the
     * request's statements drew from the budget is held until its answer is rendered.
     */
    private Reply serve(Map<String, List<String>> query, byte[] body, Handler handler) {
        long start = System.nanoTime();
        try (RequestCharge charge = new RequestCharge(budget, body == null ? 0 : body.length)) {
            return handler.handle(QueryParams.parse(query), start, charge);
        } catch (BadRequestException e) {
            return e.status() == 503 ? busy(e.getMessage()) : Reply.text(e.status(), e.getMessage());
        } catch (Refusal e) {
            return refused(e, query);
        } catch (StoreException e) {
            return storeFailure(e, query);
        } catch (ReadBusyException e) {
            return busy(e.getMessage());
        }
    }

    /** The request's statements, drawn from the budget as they are parsed ({@link RequestCharge#parse}). */
    private static List<Statement> parse(byte[] body, String contentType, RequestCharge charge)
            throws BadRequestException {
        return charge.parse(() -> RequestParser.parse(body, contentType, RequestLimits.DEFAULT, charge));
    }

    /** A saturated node (no read connection or result memory free in time): 503 that tells the client to retry. */
    static Reply busy(String reason) {
        return new Reply(503, Reply.TEXT, (reason + "\n").getBytes(StandardCharsets.UTF_8), Map.of("Retry-After", "1"));
    }

    /** The statements, unless {@link SqlPolicy} refuses them as a whole (rqlite: 200 with an error). */
    private static List<Statement> allowed(List<Statement> statements) {
        Optional<String> refusal = SqlPolicy.refusal(statements);
        if (refusal.isPresent()) {
            throw new Refusal(refusal.get());
        }
        return statements;
    }

    /** A SQL dump to load, unless {@link SqlPolicy} refuses one of its statements (200 with an error, as for writes). */
    private Command loadSql(byte[] body, RequestCharge charge) throws BadRequestException {
        String text = allowed(parse(body, "text/plain", charge)).get(0).sql();
        return new Command(Command.Kind.LOAD_SQL, true, now(), seed(), List.of(),
                text.getBytes(StandardCharsets.UTF_8));
    }

    static boolean isSqliteFile(byte[] body) {
        byte[] magic = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
        if (body.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (body[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private Reply queued(QueryParams p, byte[] body, String contentType, RequestCharge charge) throws BadRequestException {
        List<Statement> statements = p.waitForQueue() && (body == null || body.length == 0)
                ? List.of() : allowed(parse(body, contentType, charge));
        if (!p.noLeader() && !store.leadership().leaderKnown()) {
            return Reply.text(503, "leader not found");
        }
        // queued statements outlive the answer: they keep their share of the body budget until flushed
        CompletableFuture<Void> flushedOrFailed = new CompletableFuture<>();
        if (!charge.holdUntil(flushedOrFailed)) {
            return busy("server busy: too many queued writes in flight; retry shortly");
        }
        WriteQueue.Ticket ticket = null;
        try {
            ticket = queue.enqueue(statements);
            ticket.flushed().whenComplete((ignored, failure) -> flushedOrFailed.complete(null));
            if (p.waitForQueue()) {
                ticket.flushed().get(timeoutMillis(p), TimeUnit.MILLISECONDS);
            }
        } catch (TimeoutException e) {
            return Reply.text(408, "queue wait timeout");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.text(503, "interrupted");
        } catch (ExecutionException | IllegalStateException e) {
            return Reply.text(503, "write queue closed");
        } finally {
            if (ticket == null) {
                flushedOrFailed.complete(null);
            }
        }
        return render(new Response(List.of(), null, null, ticket.sequenceNumber(), null), p, false);
    }

    private List<StatementResult> read(List<Statement> statements, QueryParams p) throws BadRequestException {
        ReadLevel level = p.level();
        if (level == ReadLevel.AUTO) {
            level = store.leadership().isListener() ? ReadLevel.NONE : ReadLevel.WEAK;
        }
        if (level == ReadLevel.STRONG) {
            return await(store.submit(newCommand(Command.Kind.QUERY, statements, p)), p).results();
        }
        if (level == ReadLevel.NONE) {
            freshnessCheck(p);
        }
        return await(store.read(level, statements, p.transaction(), dbTimeout(p)), p);
    }

    /**
     * rqlite's {@code redirect}: instead of forwarding to the leader, answer 301 with the leader's API URL.
     * Null when the request is to be served (or forwarded) as usual.
     */
    private Reply redirect(QueryParams p, String uri) {
        if (!p.redirect() || store.leadership().isLeader()) {
            return null;
        }
        Optional<String> leader = store.leaderApiAddress();
        if (leader.isEmpty()) {
            return Reply.text(503, "leader not found");
        }
        String location = leader.get() + uri;
        return new Reply(301, Reply.TEXT, ("Moved Permanently: " + location + "\n").getBytes(StandardCharsets.UTF_8),
                Map.of("Location", location));
    }

    /**
     * rqlite's {@code freshness}: a {@code level=none} read is refused with {@code stale read} when this node
     * has not heard from a leader within the limit ({@code freshness_strict}: or has committed entries it has
     * not applied yet). Ignored on the leader, as in rqlite.
     */
    private void freshnessCheck(QueryParams p) {
        if (isStale(store, p.freshness(), p.freshnessStrict())) {
            throw new Refusal("stale read");
        }
    }

    /** Whether a {@code level=none} read with this {@code freshness} (zero: none) would be refused here. */
    static boolean isStale(DataStore store, java.time.Duration freshness, boolean strict) {
        if (freshness.isZero() || freshness.isNegative()) {
            return false;
        }
        Leadership leadership = store.leadership();
        if (leadership.isLeader()) {
            return false;
        }
        java.time.Duration since = leadership.sinceLeaderContact();
        StoreStatus status = strict ? store.status() : null;
        boolean behind = status != null && status.appliedIndex() < status.commitIndex();
        return since == null || since.compareTo(freshness) > 0 || behind;
    }

    private Response result(CommandResult r, QueryParams p, long start) {
        return new Response(r.results(), r.error(), timing(p, start), null, p.raftIndex() ? r.raftIndex() : null);
    }

    private static Double timing(QueryParams p, long start) {
        return p.timings() ? (System.nanoTime() - start) / 1e9 : null;
    }

    private static Command newCommand(Command.Kind kind, List<Statement> statements, QueryParams p) {
        return new Command(kind, p.transaction(), now(), seed(), statements, null);
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    private static long seed() {
        return ThreadLocalRandom.current().nextLong();
    }

    /** {@code db_timeout} is absent (zero) or a positive limit; null lets the database apply its default and cap. */
    private static java.time.Duration dbTimeout(QueryParams p) {
        return p.dbTimeout().isNegative() || p.dbTimeout().isZero() ? null : p.dbTimeout();
    }

    /** A missing, zero or negative {@code timeout} means rqlite's default. */
    private static long timeoutMillis(QueryParams p) {
        long ms = p.timeout().toMillis();
        return ms > 0 ? ms : QueryParams.DEFAULT_TIMEOUT.toMillis();
    }

    private static <T> T await(CompletableFuture<T> future, QueryParams p) {
        try {
            return future.get(timeoutMillis(p), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new StoreException(StoreException.Reason.TIMEOUT, "timeout", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "interrupted", e);
        } catch (ExecutionException e) {
            throw StoreException.classify(e.getCause()); // a Ratis or gRPC failure left unmapped is still a 503
        }
    }

    private static Reply render(Response response, QueryParams p, boolean unified) {
        return Reply.json(ResponseWriter.write(response, RenderOptions.of(p, unified)));
    }

    private static Reply refused(Refusal e, Map<String, List<String>> query) {
        return Reply.json(ResponseWriter.write(Response.error(e.getMessage()),
                new RenderOptions(query.containsKey("pretty"), false, false, false, false)));
    }

    private static Reply storeFailure(StoreException e, Map<String, List<String>> query) {
        return switch (e.reason()) {
            case NO_LEADER, NOT_LEADER -> Reply.text(503, "leader not found");
            case UNAVAILABLE, NOT_FOUND, INVALID -> Reply.text(503, "store not ready"); // the last two: /remove only
            case TIMEOUT -> refused(new Refusal(e.getMessage()), query);
            case TOO_LARGE -> Reply.text(413, e.getMessage());
        };
    }

    /** A store-level refusal that rqlite reports as HTTP 200 with a top-level {@code error}. */
    private static final class Refusal extends RuntimeException {
        Refusal(String error) {
            super(error, null, false, false);
        }
    }
}

package io.raftlite.server.http;

import io.raftlite.core.api.GoDuration;
import io.raftlite.core.watch.ChangeLog;
import io.raftlite.core.watch.WatchResult;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /db/watch}: Consul's blocking query over this node's own copy (no leader round trip). Answers
 * as soon as a watched table changed after {@code index}, or after {@code wait} with {@code index} and no
 * tables; at once for {@code index} 0 or absent, and when this node is behind {@code freshness}. A waiting
 * watch is a future (no thread); at most {@code maxWatchers} wait, one more gets 503 with Retry-After.
 */
public final class WatchApi {

    /** {@code wait} when the request gives none, as Consul. */
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);
    /** The longest {@code wait} honoured (longer ones are cut to it), as Consul's 10 minutes. */
    static final Duration MAX_WAIT = Duration.ofMinutes(10);
    private static final int MAX_TABLES = 256;

    private final DataStore store;
    private final ChangeLog changes;
    private final int maxWatchers;

    public WatchApi(DataStore store, ChangeLog changes, int maxWatchers) {
        this.store = store;
        this.changes = changes;
        this.maxWatchers = maxWatchers;
    }

    /** Where a watch learns that its client went away. */
    @FunctionalInterface
    public interface Connection {
        /** Runs {@code action} once the client's connection closes; the returned Runnable forgets it. */
        Runnable onClose(Runnable action);

        /** For callers without a connection (tests). */
        Connection NONE = action -> () -> { };
    }

    /**
     * The answer, completed now or when the watch ends; bad parameters give 400 at once. A client that
     * closes its connection ends its watch at once, freeing its place.
     */
    public CompletableFuture<Reply> watch(Map<String, List<String>> params, Connection connection) {
        Request r;
        try {
            r = Request.parse(params);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Reply.text(400, e.getMessage()));
        }
        if (r.index() == 0) {
            return done(changes.now(r.tables(), 0));
        }
        if (DataApi.isStale(store, r.freshness(), r.strict())) {
            WatchResult now = changes.now(r.tables(), r.index());
            return done(new WatchResult(changes.appliedIndex(), now.tables()));
        }
        Optional<CompletableFuture<WatchResult>> waiting = changes.watch(r.tables(), r.index(), r.waitFor(), maxWatchers);
        if (waiting.isEmpty()) {
            return CompletableFuture.completedFuture(tooMany());
        }
        CompletableFuture<WatchResult> future = waiting.get();
        Runnable forget = connection.onClose(() -> future.cancel(false));
        future.whenComplete((result, error) -> forget.run()); // a kept-alive connection runs many watches
        // cancelled only when the client went away: nobody reads this answer, but it is no server error
        return future.handle((result, error) -> result != null ? reply(result) : Reply.text(503, "watch ended"));
    }

    /**
     * The same watch as a stream of Server-Sent Events ({@link WatchStream}); null with the reason in
     * {@code refusal[0]} when the parameters are bad. {@code freshness} is not supported on a stream.
     */
    public WatchStream stream(Map<String, List<String>> params, Connection connection, Reply[] refusal) {
        try {
            Request r = Request.parse(params);
            if (!r.freshness().isZero()) {
                throw new IllegalArgumentException("freshness: not supported with Accept: text/event-stream");
            }
            if (changes.watchers() >= maxWatchers) {
                refusal[0] = tooMany();
                return null;
            }
            return new WatchStream(changes, r.tables(), r.index(), r.waitFor(), maxWatchers, connection);
        } catch (IllegalArgumentException e) {
            refusal[0] = Reply.text(400, e.getMessage());
            return null;
        }
    }

    private Reply tooMany() {
        return new Reply(503, Reply.TEXT,
                ("too many watchers (-watch-max-watchers " + maxWatchers + ")\n").getBytes(StandardCharsets.UTF_8),
                Map.of("Retry-After", "1"));
    }

    private static CompletableFuture<Reply> done(WatchResult result) {
        return CompletableFuture.completedFuture(reply(result));
    }

    static Reply reply(WatchResult result) {
        return Reply.json(result.toJson().getBytes(StandardCharsets.UTF_8));
    }

    /** Watchers waiting now. */
    public int watchers() {
        return changes.watchers();
    }

    /** A parsed request: {@code tables} null for any table. */
    record Request(Set<String> tables, long index, Duration waitFor, Duration freshness, boolean strict) {

        private static final Set<String> KNOWN = Set.of("tables", "index", "wait", "freshness", "freshness_strict");

        static Request parse(Map<String, List<String>> params) {
            for (String name : params.keySet()) {
                if (!KNOWN.contains(name)) {
                    throw new IllegalArgumentException("unknown query parameter: " + Replies.clip(name));
                }
            }
            Set<String> tables = null;
            for (String list : params.getOrDefault("tables", List.of())) {
                tables = tables == null ? new LinkedHashSet<>() : tables;
                for (String t : list.split(",", -1)) {
                    if (!t.isBlank()) {
                        tables.add(t.trim());
                    }
                }
            }
            if (tables != null && tables.isEmpty()) {
                throw new IllegalArgumentException("tables: list at least one table, or leave it out for any table");
            }
            if (tables != null && tables.size() > MAX_TABLES) {
                throw new IllegalArgumentException("tables: at most " + MAX_TABLES + " tables");
            }
            long index = index(one(params, "index"));
            Duration wait = duration(one(params, "wait"), "wait", DEFAULT_WAIT);
            wait = wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
            Duration freshness = duration(one(params, "freshness"), "freshness", Duration.ZERO);
            boolean strict = params.containsKey("freshness_strict");
            if (strict && freshness.isZero()) {
                throw new IllegalArgumentException("freshness_strict requires freshness");
            }
            return new Request(tables, index, wait, freshness, strict);
        }

        private static String one(Map<String, List<String>> params, String name) {
            List<String> values = params.getOrDefault(name, List.of());
            return values.isEmpty() ? null : values.get(values.size() - 1);
        }

        private static long index(String text) {
            if (text == null || text.isEmpty()) {
                return 0;
            }
            try {
                long index = Long.parseLong(text);
                if (index < 0) {
                    throw new NumberFormatException();
                }
                return index;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("index: not a non-negative integer: " + Replies.clip(text));
            }
        }

        private static Duration duration(String text, String name, Duration absent) {
            if (text == null || text.isEmpty()) {
                return absent;
            }
            try {
                Duration d = GoDuration.parse(text);
                if (d.isNegative()) {
                    throw new IllegalArgumentException();
                }
                return d;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": not a duration such as 60s or 2m: " + Replies.clip(text));
            }
        }
    }
}

package io.raftlite.core.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * rqlite's query-string parameters ({@code rqlite:http/query_params.go}), validated the way rqlite validates
 * them, plus a stricter rule of ours: a parameter name rqlite does not know is refused.
 *
 * <p>Flags are true when present, whatever their value ({@code ?pretty}, {@code ?pretty=false}). Absent
 * strings are {@code null}; absent durations are {@link Duration#ZERO} except {@code timeout} (30s) and
 * {@code linearizableTimeout} (10s). A zero {@code db_timeout} means the node's default for reads
 * ({@code -db-timeout}); a larger one than {@code -db-timeout-max} is lowered to it (see
 * {@code io.raftlite.core.db.ReadLimits}). Of a repeated parameter only the first value counts, as in rqlite.
 *
 * @param retries      {@code retries}, 0 when absent
 * @param trailingLogs {@code trailing_logs}, or {@code null} when absent (the snapshot default applies)
 * @param tables       {@code tables=a,b} split on commas and trimmed, empty names dropped
 */
public record QueryParams(boolean pretty, boolean timings, boolean transaction, boolean associative,
                          boolean blobArray, boolean queue, boolean waitForQueue, boolean redirect,
                          boolean raftIndex, boolean noLeader, boolean freshnessStrict, boolean compress,
                          boolean vacuum, boolean nonVoters, ReadLevel level, Duration freshness,
                          Duration timeout, Duration dbTimeout, Duration linearizableTimeout, String q,
                          String fmt, String ver, String key,
                          boolean noParse, boolean noRewriteRandom, boolean noRewriteTime, boolean bypass,
                          boolean qualifyColumns, boolean sync, int retries, Integer trailingLogs,
                          List<String> tables) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_LINEARIZABLE_TIMEOUT = Duration.ofSeconds(10);

    /** Every name rqlite accepts: flags (present = true) and valued parameters. */
    public static final Set<String> KNOWN_NAMES = Set.of(
            "timings", "transaction", "queue", "wait", "pretty", "noparse", "associative", "blob_array",
            "qualify_columns", "norwrandom", "norwtime", "nonvoters", "noleader", "redirect", "vacuum", "compress",
            "freshness_strict", "sync", "raft_index", "bypass",
            "q", "level", "fmt", "key", "freshness", "db_timeout", "linearizable_timeout", "timeout", "retries",
            "trailing_logs", "ver", "tables");

    private static final List<String> DURATION_NAMES = List.of("timeout", "freshness", "db_timeout", "linearizable_timeout");
    private static final List<String> INTEGER_NAMES = List.of("retries", "trailing_logs");

    public QueryParams {
        tables = tables == null ? List.of() : List.copyOf(tables);
    }

    /** The original component list; the parameters added later take their absent values. */
    public QueryParams(boolean pretty, boolean timings, boolean transaction, boolean associative,
                       boolean blobArray, boolean queue, boolean waitForQueue, boolean redirect,
                       boolean raftIndex, boolean noLeader, boolean freshnessStrict, boolean compress,
                       boolean vacuum, boolean nonVoters, ReadLevel level, Duration freshness,
                       Duration timeout, Duration dbTimeout, Duration linearizableTimeout, String q,
                       String fmt, String ver, String key) {
        this(pretty, timings, transaction, associative, blobArray, queue, waitForQueue, redirect, raftIndex,
                noLeader, freshnessStrict, compress, vacuum, nonVoters, level, freshness, timeout, dbTimeout,
                linearizableTimeout, q, fmt, ver, key, false, false, false, false, false, false, 0, null, List.of());
    }

    /**
     * Validates query parameters as rqlite does; unknown names are refused.
     *
     * @param params decoded names to their values in request order (a flag may map to an empty list or
     *               {@code [""]})
     * @throws BadRequestException 400 with rqlite's text: {@code freshness_strict requires freshness},
     *                             {@code <k> is not a valid duration}, {@code <k> is not a valid integer},
     *                             {@code query parameter not set}; or ours, {@code unknown query parameter: <k>}
     */
    public static QueryParams parse(Map<String, List<String>> params) throws BadRequestException {
        Values v = new Values(params == null ? Map.of() : params);
        v.validate();
        return new QueryParams(v.has("pretty"), v.has("timings"), v.has("transaction"), v.has("associative"),
                v.has("blob_array"), v.has("queue"), v.has("wait"), v.has("redirect"), v.has("raft_index"),
                v.has("noleader"), v.has("freshness_strict"), v.has("compress"), v.has("vacuum"),
                v.has("nonvoters"), ReadLevel.parse(v.get("level")), v.duration("freshness", Duration.ZERO),
                v.duration("timeout", DEFAULT_TIMEOUT), v.duration("db_timeout", Duration.ZERO),
                v.duration("linearizable_timeout", DEFAULT_LINEARIZABLE_TIMEOUT), v.get("q"), v.get("fmt"),
                v.get("ver"), v.get("key"), v.has("noparse"), v.has("norwrandom"), v.has("norwtime"),
                v.has("bypass"), v.has("qualify_columns"), v.has("sync"),
                v.has("retries") ? Integer.parseInt(v.get("retries")) : 0,
                v.has("trailing_logs") ? Integer.valueOf(v.get("trailing_logs")) : null, tables(v.get("tables")));
    }

    private static List<String> tables(String value) {
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String name : value.split(",")) {
                if (!name.isBlank()) {
                    out.add(name.trim());
                }
            }
        }
        return out;
    }

    /** The raw parameters: first value of each name, "" for a flag without a value. */
    private record Values(Map<String, List<String>> params) {

        boolean has(String name) {
            return params.containsKey(name);
        }

        String get(String name) {
            List<String> values = params.get(name);
            if (values == null) {
                return has(name) ? "" : null;
            }
            return values.isEmpty() || values.get(0) == null ? "" : values.get(0);
        }

        Duration duration(String name, Duration absent) {
            return has(name) ? GoDuration.parse(get(name)) : absent;
        }

        /** rqlite's checks, in rqlite's order, after ours for unknown names (reported in sorted order). */
        void validate() throws BadRequestException {
            TreeSet<String> unknown = new TreeSet<>();
            for (String name : params.keySet()) {
                if (name == null || !KNOWN_NAMES.contains(name)) {
                    unknown.add(String.valueOf(name));
                }
            }
            if (!unknown.isEmpty()) {
                throw new BadRequestException("unknown query parameter: " + unknown.first());
            }
            if (has("freshness_strict") && !has("freshness")) {
                throw new BadRequestException("freshness_strict requires freshness");
            }
            for (String name : DURATION_NAMES) {
                if (has(name)) {
                    try {
                        GoDuration.parse(get(name));
                    } catch (IllegalArgumentException e) {
                        throw new BadRequestException(name + " is not a valid duration");
                    }
                }
            }
            for (String name : INTEGER_NAMES) {
                if (has(name)) {
                    try {
                        Integer.parseInt(get(name));
                    } catch (NumberFormatException e) {
                        throw new BadRequestException(name + " is not a valid integer");
                    }
                }
            }
            if (has("q") && get("q").isEmpty()) {
                throw new BadRequestException("query parameter not set");
            }
        }
    }
}

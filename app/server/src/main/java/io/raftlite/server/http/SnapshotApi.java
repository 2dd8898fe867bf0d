package io.raftlite.server.http;

import io.raftlite.core.api.QueryParams;
import io.raftlite.core.json.Json;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * rqlite's {@code POST /snapshot} and {@code POST /reap} as plain Java; both act on this node only, as in rqlite,
 * and need the {@code snapshot} permission under {@code -auth}.
 * <ul>
 *   <li>{@code /snapshot}: 200 with an empty body once the snapshot is durable; 204 when nothing was applied since
 *       the last snapshot (rqlite's {@code ErrNothingNewToSnapshot}). {@code trailing_logs=N} must be an integer
 *       (400 otherwise, as rqlite) and changes nothing: Ratis keeps {@code -raft-snap} entries behind every
 *       snapshot, a server-wide setting it cannot change for one snapshot. {@code timeout} bounds the wait
 *       (default 60 s; then 503).</li>
 *   <li>{@code /reap}: {@code {"snapshots_reaped":n,"wals_checkpointed":0}}. rqlite folds its incremental
 *       snapshots (WAL files) into one; raftlite's snapshots are whole files, so it deletes those older than the
 *       newest (Ratis keeps the newest and one fallback) and never has a snapshot WAL to checkpoint.</li>
 * </ul>
 */
public final class SnapshotApi {

    static final Duration DEFAULT_SNAPSHOT_TIMEOUT = Duration.ofSeconds(60);

    private final SnapshotStore store;

    public SnapshotApi(SnapshotStore store) {
        this.store = store;
    }

    public Reply snapshot(Map<String, List<String>> query) {
        return RemoveApi.guarded(() -> {
            QueryParams p = QueryParams.parse(query);
            Duration timeout = query.containsKey("timeout") ? p.timeout() : DEFAULT_SNAPSHOT_TIMEOUT;
            long index = store.snapshot(timeout);
            return new Reply(index < 0 ? 204 : 200, Reply.TEXT, new byte[0], Map.of());
        });
    }

    public Reply reap(Map<String, List<String>> query) {
        return RemoveApi.guarded(() -> {
            QueryParams.parse(query);
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("snapshots_reaped", store.reapSnapshots());
            counts.put("wals_checkpointed", 0);
            return Reply.json((Json.write(counts, false) + "\n").getBytes(StandardCharsets.UTF_8));
        });
    }
}

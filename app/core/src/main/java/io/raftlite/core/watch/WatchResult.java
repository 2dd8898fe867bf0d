package io.raftlite.core.watch;

import java.util.List;

/** A watch's answer: the index to call again with, and the watched tables that changed after the one asked. */
public record WatchResult(long index, List<String> tables) {

    public WatchResult {
        tables = List.copyOf(tables);
    }

    /** As JSON: {@code {"index":M,"tables":["a","b"]}}. */
    public String toJson() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("index", index);
        m.put("tables", tables);
        return io.raftlite.core.json.Json.write(m, false);
    }
}

package io.raftlite.core.api;

import io.raftlite.core.command.StatementResult;

import java.util.List;

/**
 * rqlite's top-level response: {@code {"results":[...],"error":..,"time":..,"sequence_number":..,"raft_index":..}};
 * every field but {@code results} is omitted when null.
 */
public record Response(List<StatementResult> results, String error, Double timeSeconds, Long sequenceNumber,
                       Long raftIndex) {

    public Response {
        results = List.copyOf(results);
    }

    public static Response error(String error) {
        return new Response(List.of(), error, null, null, null);
    }
}

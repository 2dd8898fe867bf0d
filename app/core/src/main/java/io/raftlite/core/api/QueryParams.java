package io.raftlite.core.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** STUB: replaced by the request part. Field list is the contract; more fields may be added. */
public record QueryParams(boolean pretty, boolean timings, boolean transaction, boolean associative,
                          boolean blobArray, boolean queue, boolean waitForQueue, boolean redirect,
                          boolean raftIndex, boolean noLeader, boolean freshnessStrict, boolean compress,
                          boolean vacuum, boolean nonVoters, ReadLevel level, Duration freshness,
                          Duration timeout, Duration dbTimeout, Duration linearizableTimeout, String q,
                          String fmt, String ver, String key) {

    /** Validates query parameters as rqlite does; unknown names are refused. */
    public static QueryParams parse(Map<String, List<String>> params) throws BadRequestException {
        throw new UnsupportedOperationException("stub");
    }
}

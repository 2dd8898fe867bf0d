package io.raftlite.server.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * rqlite's {@code last_backup_time} in {@code /status}: when this node last answered {@code GET /db/backup} with
 * 200 (its copy made, the download starting); null until then, so the key is left out as rqlite leaves it out.
 */
@ServerFilter("/db/backup")
public final class BackupTimeFilter {

    private final AtomicReference<Instant> last = new AtomicReference<>();

    @ResponseFilter
    void served(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (response.code() == 200) {
            last.set(Instant.now());
        }
    }

    /** The time of the last backup served, as RFC 3339 text (Go's time.Time in JSON), or null. */
    public String lastBackupTime() {
        Instant t = last.get();
        return t == null ? null : t.toString();
    }
}

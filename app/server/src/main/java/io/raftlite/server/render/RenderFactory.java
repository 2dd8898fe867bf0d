package io.raftlite.server.render;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.annotation.Nullable;
import io.raftlite.core.store.RaftStore;
import io.raftlite.server.config.NodeSettings;
import io.raftlite.server.http.DataStore;

import java.time.Duration;
import java.util.function.BiConsumer;

/** Builds the in-sidecar {@link RenderService} from the node's {@code render} list. */
@Factory
class RenderFactory {

    /** How often a render that could not write (node not ready or stale, failed query) is tried again. */
    static final Duration RETRY = Duration.ofSeconds(1);

    @Context
    @Bean(preDestroy = "close")
    RenderService renderService(NodeSettings settings, DataStore store, RaftStore raft,
                                @Nullable MeterRegistry registry) {
        if (settings.render().isEmpty()) {
            return new RenderService(settings.render(), null, null, RETRY, (n, r) -> { });
        }
        // the node's own change log: a template wakes at the write that changed one of its tables
        TableChanges changes = new ChangeLogTableChanges(raft.changes());
        return new RenderService(settings.render(), new StoreRenderSource(store, settings.reads().defaultTimeout()),
                changes, RETRY, metrics(registry)).start();
    }

    /** Counts {@code raftlite.render.attempts{file, result}}: written, unchanged, check_failed, stale, failed. */
    static BiConsumer<String, String> metrics(MeterRegistry registry) {
        if (registry == null) {
            return (n, r) -> { };
        }
        return (name, result) -> Counter.builder("raftlite.render.attempts")
                .description("Render attempts by file and result (written, unchanged, check_failed, stale, failed)")
                .tag("file", name).tag("result", result).register(registry).increment();
    }
}

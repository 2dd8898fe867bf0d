package io.raftlite.server.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * {@code GET /metrics}: every series in Prometheus' text format. Absent (404) with {@code -metrics=false}.
 * On the blocking executor because the store's gauges may read the database size.
 */
@Controller("/metrics")
@Requires(bean = PrometheusMeterRegistry.class)
@ExecuteOn(TaskExecutors.BLOCKING)
class MetricsController {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    MetricsController(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Get(produces = CONTENT_TYPE)
    String scrape() {
        return registry.scrape();
    }
}

package io.raftlite.server.metrics;

import io.raftlite.server.config.NodeSettings;

import java.util.Map;

/** The Micronaut properties that turn Micrometer on or off and choose its binders, from the node's settings. */
public final class MetricsProperties {

    private MetricsProperties() {
    }

    /**
     * {@code micronaut.metrics.enabled} follows {@code -metrics}; when on, JVM, process (uptime, CPU, open
     * files), logback and HTTP-server binders stay on (Micronaut's defaults). Off: the HTTP client's (the
     * node's only client calls are Consul registration) and the executors' (it would time every task on the
     * request path).
     */
    public static Map<String, Object> of(NodeSettings s) {
        boolean on = s.ops().metricsEnabled();
        if (!on) {
            return Map.of("micronaut.metrics.enabled", false);
        }
        return Map.of("micronaut.metrics.enabled", true,
                "micronaut.metrics.export.prometheus.enabled", true,
                "micronaut.metrics.export.prometheus.descriptions", true,
                "micronaut.metrics.binders.web.client.enabled", false,
                "micronaut.metrics.binders.executor.enabled", false);
    }
}

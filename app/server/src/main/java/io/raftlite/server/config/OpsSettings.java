package io.raftlite.server.config;

import java.util.Map;

/**
 * What an operator watches: log levels and metrics.
 *
 * @param logLevel       level of raftlite's own loggers ({@code io.raftlite})
 * @param logLevels      level per logger (package) name, in the order given
 * @param metricsEnabled whether {@code /metrics} is served
 */
public record OpsSettings(String logLevel, Map<String, String> logLevels, boolean metricsEnabled) {

    public OpsSettings {
        logLevels = Map.copyOf(logLevels);
    }
}

/**
 * Settings: every {@code raftlite.*} setting, where it can come from, and how it is checked.
 *
 * <p>Precedence, highest first: command-line flags (rqlite's names, e.g. {@code -http-addr}), environment
 * variables ({@code RAFTLITE_HTTP_ADDR}), the YAML file named by {@code -config}, built-in defaults.
 * {@link io.raftlite.server.config.Setting} is the single table of settings; flags, environment names,
 * {@code -h} output and validation are all derived from it, so a setting cannot exist in one place only.
 *
 * <p>Invariant: {@link io.raftlite.server.config.SettingsResolver} either returns fully validated
 * {@link io.raftlite.server.config.NodeSettings} or throws {@link io.raftlite.server.config.UsageException}
 * with a one-line reason; nothing starts with a half-valid configuration.
 */
package io.raftlite.server.config;

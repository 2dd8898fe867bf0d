/**
 * The Micronaut edge of a raftlite node: the entry point, the composition root and the lifecycle.
 *
 * <p>{@link io.raftlite.server.Main} resolves and validates every setting before Micronaut starts (so a bad
 * flag is one line and exit 2, never a stack trace), fixes the node id, then starts the application
 * context with the validated {@link io.raftlite.server.config.NodeSettings} as a bean.
 * {@link io.raftlite.server.NodeFactory} builds the core objects with {@code new}; Micronaut closes them
 * in reverse order on shutdown. Core types never see Micronaut.
 */
package io.raftlite.server;

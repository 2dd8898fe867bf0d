/**
 * Tells systemd what the node is doing ({@code sd_notify(3)}'s protocol, without libsystemd): {@code STATUS=}
 * lines while it waits to join or form a cluster, {@code READY=1} once it is ready, {@code STOPPING=1} when
 * it begins a clean stop.
 *
 * <p>Invariants: {@code READY=1} is sent at most once, only after the HTTP API listens and only when the
 * node passes the same check as {@code /readyz} ({@link io.raftlite.server.http.StatusApi#isReady}); a
 * {@code STATUS=} line is sent only when its text changes; nothing here ever fails or delays the node: without
 * {@code $NOTIFY_SOCKET}, off Linux or without Netty's epoll transport every call is a no-op (logged once at
 * DEBUG), and a send that fails is logged and dropped. Messages come from the JVM itself (the unit's main
 * process), so the unit can keep {@code NotifyAccess=main}.
 */
package io.raftlite.server.systemd;

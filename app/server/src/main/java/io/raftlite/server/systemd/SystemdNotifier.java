package io.raftlite.server.systemd;

import io.raftlite.core.store.RaftStore;
import io.raftlite.core.store.StoreStatus;
import io.raftlite.server.http.StatusApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * What the node tells systemd, when {@code $NOTIFY_SOCKET} is set: progress lines while it joins or forms a
 * cluster ({@link #status}), then, from the moment the HTTP API listens ({@link #watch}), {@code READY=1} once
 * the node passes {@code /readyz}'s check and a {@code STATUS=} line whenever its role or leader changes; finally
 * {@code STOPPING=1} ({@link #stopping}). Without a socket every method is a no-op. Thread-safe.
 */
public final class SystemdNotifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotifier.class);
    private static final int MAX_STATUS_CHARS = 200;
    /** Until ready, so READY=1 follows readiness closely (at most 50 ms behind: `systemctl start` waits for it). */
    private static final Duration POLL = Duration.ofMillis(50);
    /** Once ready, only the STATUS= line is kept current: a store status (with SQLite's size) 1/s is enough. */
    private static final Duration POLL_READY = Duration.ofSeconds(1);

    /** What the node is now: whether it is ready, and one line saying what it does or waits for. */
    public record NodeState(boolean ready, String text) {

        /** The state of a running store with {@code members} members. */
        static NodeState of(StoreStatus s, int members, boolean ready) {
            String role = s.role() == null ? "unknown" : s.role().toLowerCase(Locale.ROOT);
            if (s.leaderId() == null) {
                return new NodeState(false, "waiting for a leader (" + role + ")");
            }
            String text = switch (role) {
                case "leader" -> "leader of " + members + (members == 1 ? " node" : " nodes");
                case "listener" -> "read replica, leader " + s.leaderId();
                default -> role + ", leader " + s.leaderId();
            };
            return new NodeState(ready, ready ? text : text + ", catching up");
        }
    }

    private final NotifySocket socket;
    private String lastStatus;
    private boolean readySent;
    private boolean stopping;
    private ScheduledExecutorService watcher;
    private ScheduledFuture<?> polling;

    private SystemdNotifier(NotifySocket socket) {
        this.socket = socket;
    }

    /** Sends to {@code $NOTIFY_SOCKET} from {@code env}; a no-op notifier when it is unset or unusable here. */
    public static SystemdNotifier fromEnvironment(Map<String, String> env) {
        return new SystemdNotifier(NotifySocket.fromEnvironment(env));
    }

    public boolean enabled() {
        return socket != null;
    }

    /** A {@code STATUS=} line for {@code text}, when it differs from the last one; ignored once ready. */
    public synchronized void status(String text) {
        if (socket == null || readySent || stopping) {
            return;
        }
        sendStatus(text);
    }

    private void sendStatus(String text) {
        String line = statusLine(text);
        if (!line.equals(lastStatus)) {
            lastStatus = line;
            socket.send(line);
        }
    }

    /** Polls the store (the HTTP API must listen already) until ready, then keeps the status line current. */
    public void watch(RaftStore store) {
        watch(() -> {
            StoreStatus s = store.status();
            return NodeState.of(s, store.nodes().size(), StatusApi.isReady(s));
        });
    }

    synchronized void watch(Supplier<NodeState> state) {
        if (socket == null || stopping || watcher != null) {
            return;
        }
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sd-notify-watch");
            t.setDaemon(true);
            return t;
        });
        polling = watcher.scheduleWithFixedDelay(() -> poll(state), 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void poll(Supplier<NodeState> state) {
        if (stopping) {
            return;
        }
        NodeState now;
        try {
            now = state.get();
        } catch (RuntimeException e) { // the store is restarting its server, or closing
            return;
        }
        if (now.ready() && !readySent) {
            readySent = true;
            lastStatus = statusLine(now.text());
            LOG.info("ready: notifying systemd");
            socket.send("READY=1\n" + lastStatus);
            polling.cancel(false);
            polling = watcher.scheduleWithFixedDelay(() -> poll(state), POLL_READY.toMillis(), POLL_READY.toMillis(),
                    TimeUnit.MILLISECONDS);
        } else {
            sendStatus(now.text());
        }
    }

    /** {@code STOPPING=1}, once; waits up to a second for it to be sent. Later calls are no-ops. */
    public void stopping() {
        CompletableFuture<Void> sent;
        synchronized (this) {
            if (socket == null || stopping) {
                return;
            }
            stopping = true;
            if (watcher != null) {
                watcher.shutdownNow();
            }
            lastStatus = statusLine("stopping");
            sent = socket.send("STOPPING=1\n" + lastStatus);
        }
        try {
            sent.get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("STOPPING=1 not confirmed sent: {}", e.toString());
        }
    }

    /** {@code STATUS=text} on one line of at most 200 characters (systemd shows it in {@code systemctl status}). */
    static String statusLine(String text) {
        String oneLine = text.replaceAll("[\\r\\n\\t]+", " ").strip();
        if (oneLine.length() > MAX_STATUS_CHARS) {
            oneLine = oneLine.substring(0, MAX_STATUS_CHARS - 3) + "...";
        }
        return "STATUS=" + oneLine;
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
        if (socket != null) {
            socket.close();
        }
    }
}

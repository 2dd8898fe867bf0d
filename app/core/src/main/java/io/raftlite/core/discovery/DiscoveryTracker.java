package io.raftlite.core.discovery;

import io.raftlite.discovery.ClusterRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What this node last knew of its discovery store, for {@code /status} and {@code /readyz}; logs once per
 * change of state or of error (never once per retry), so a store that is down for an hour is two lines.
 */
public final class DiscoveryTracker {

    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryTracker.class);

    private final String mode;
    private final String key;
    private String state = "starting";
    private Instant lastContact;
    private String lastError;
    private Instant lastErrorAt;
    private ClusterRecord record;
    private volatile Consumer<String> listener = text -> { };

    public DiscoveryTracker(String mode, String key) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.key = Objects.requireNonNull(key, "key");
    }

    /** Told each new {@link #state(String)}, e.g. for an operator's status display; called on the changing thread. */
    public void onState(Consumer<String> stateListener) {
        listener = stateListener == null ? text -> { } : stateListener;
    }

    /** A snapshot for {@code /status}. */
    public record Status(String mode, String key, String state, Instant lastContact, String lastError,
                         Instant lastErrorAt, ClusterRecord record) {

        /** Whether the last request to the store succeeded (false before the first one). */
        public boolean reachable() {
            return lastContact != null && (lastErrorAt == null || lastContact.isAfter(lastErrorAt));
        }
    }

    public synchronized Status status() {
        return new Status(mode, key, state, lastContact, lastError, lastErrorAt, record);
    }

    /** The store answered; {@code current} is what it holds under the key (null: nothing). */
    public synchronized void contact(ClusterRecord current) {
        boolean wasFailing = lastErrorAt != null && (lastContact == null || lastErrorAt.isAfter(lastContact));
        lastContact = Instant.now();
        record = current;
        if (wasFailing) {
            LOG.info("discovery store ({} key '{}') answers again", mode, key);
        }
    }

    /** A request to the store failed; logged when the store was fine before or the error changed. */
    public synchronized void failure(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        boolean wasFine = lastErrorAt == null || lastContact != null && lastContact.isAfter(lastErrorAt);
        if (wasFine || !message.equals(lastError)) {
            LOG.warn("discovery store ({} key '{}') failed: {}; retrying with backoff", mode, key, message);
        }
        lastError = message;
        lastErrorAt = Instant.now();
    }

    /** What the node is doing now, e.g. "waiting for node-2 to form cluster …"; logged when it changes. */
    public void state(String now) {
        synchronized (this) {
            if (now.equals(state)) {
                return;
            }
            LOG.info("discovery: {}", now);
            state = now;
        }
        listener.accept(now);
    }

    public synchronized String state() {
        return state;
    }
}

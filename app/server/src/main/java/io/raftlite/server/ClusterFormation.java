package io.raftlite.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How this node gets into its cluster, run off the start-up path so the HTTP API answers meanwhile, as
 * rqlite's does: {@code /status} 200 with the waiting state, {@code /readyz} 503 "leader does not exist",
 * {@code /readyz?noleader} 200, data requests 503. A node with Raft state, or one bootstrapping alone, is in
 * its cluster before the API starts; joining, {@code -bootstrap-expect} and discovery wait in the background
 * on one thread. If that fails (a join timeout, no quorum of expected nodes) the node exits 1 with the reason,
 * as a failed start did before; a stop during the wait ends it quietly. Thread-safe.
 */
public final class ClusterFormation {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterFormation.class);

    /** The way in: one of {@code recovering}, {@code alone}, {@code joining}, {@code bootstrap-expect}, {@code discovery}. */
    public enum Way {
        RECOVERING("recovering"), ALONE("alone"), JOINING("joining"), BOOTSTRAP_EXPECT("bootstrap-expect"),
        DISCOVERY("discovery");

        private final String text;

        Way(String text) {
            this.text = text;
        }
    }

    /** The wait itself; may block for as long as the node waits for its peers. */
    @FunctionalInterface
    public interface Wait {
        void run() throws Exception;
    }

    private final Way way;
    private final Instant since = Instant.now();
    private volatile String detail = "";
    private volatile boolean done;
    private volatile String failure;
    private volatile boolean stopping;

    private ClusterFormation(Way way, boolean done) {
        this.way = way;
        this.done = done;
    }

    /** A node already in its cluster when the API starts (recovered from its log, or alone). */
    public static ClusterFormation formed(Way way) {
        return new ClusterFormation(way, true);
    }

    /** A node that is not in its cluster yet; {@link #start} begins the wait. */
    public static ClusterFormation waiting(Way way) {
        return new ClusterFormation(way, false);
    }

    /**
     * Runs {@code wait} on its own thread; {@code onFailure} gets what failed (not when the node is stopping),
     * {@code then} runs once it succeeded.
     */
    public void start(Wait wait, Runnable then, Consumer<Exception> onFailure) {
        Thread t = new Thread(() -> run(wait, then, onFailure), "raftlite-formation");
        t.setDaemon(true);
        t.start();
    }

    private void run(Wait wait, Runnable then, Consumer<Exception> onFailure) {
        try {
            wait.run();
            done = true;
            detail = "";
            then.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(new IllegalStateException("interrupted while " + way.text, e), onFailure);
        } catch (Exception e) {
            failed(e, onFailure);
        }
    }

    private void failed(Exception e, Consumer<Exception> onFailure) {
        if (stopping) {
            LOG.info("stopped while {}: {}", way.text, e.toString());
            return;
        }
        failure = e.getMessage() == null ? e.toString() : e.getMessage();
        onFailure.accept(e);
    }

    /** The progress line the store or discovery reports ("waiting for 3 nodes ...: 1 found"). */
    public void progress(String text) {
        if (!done) {
            detail = text == null ? "" : text;
        }
    }

    /** The node is stopping: a wait that fails now fails because of that, not on its own. */
    public void stopping() {
        stopping = true;
    }

    public boolean done() {
        return done;
    }

    /** For {@code /status}: {@code state} (waiting, formed, failed), how, since when, and what it waits for. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", failure != null ? "failed" : done ? "formed" : "waiting");
        m.put("way", way.text);
        m.put("since", since.toString());
        if (!done) {
            m.put("detail", failure != null ? failure : detail);
        }
        return m;
    }
}

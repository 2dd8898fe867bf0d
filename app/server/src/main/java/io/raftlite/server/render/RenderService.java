package io.raftlite.server.render;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * Runs every {@link RenderSpec}: one daemon thread each renders at start, then waits for a change of the tables
 * its template read, lets a burst settle ({@code wait} min/max, as consul-template's quiescence) and renders
 * again. A render that could not write (node not ready or stale, a failing query) is retried every
 * {@code retry}; a failing check command is retried on the next change only.
 */
public final class RenderService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RenderService.class);

    private final TableChanges changes;
    private final List<Renderer> renderers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Duration retry;
    private volatile boolean closed;
    private AutoCloseable onClose = () -> { };

    public RenderService(List<RenderSpec> specs, RenderSource source, TableChanges changes, Duration retry,
                         BiConsumer<String, String> onResult) {
        this.changes = changes;
        this.retry = retry;
        // Pebble (about 160 classes) is loaded only by a node that renders something
        SqlTemplate templates = specs.isEmpty() ? null : new SqlTemplate();
        for (RenderSpec spec : specs) {
            renderers.add(new Renderer(spec, source, templates,
                    (name, r) -> onResult.accept(name, r.name().toLowerCase(java.util.Locale.ROOT))));
        }
    }

    public RenderService start() {
        for (Renderer r : renderers) {
            Thread t = new Thread(() -> loop(r), "render-" + r.spec().destination().getFileName());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        return this;
    }

    /** {@code resource} is closed with this service (the change feed it was built on). */
    public RenderService onClose(AutoCloseable resource) {
        this.onClose = resource;
        return this;
    }

    /** Renders every entry once, in order (for {@code -once}); true when none failed. */
    public boolean renderOnce() {
        boolean ok = true;
        for (Renderer r : renderers) {
            Renderer.Result result = r.render();
            ok &= result == Renderer.Result.WRITTEN || result == Renderer.Result.UNCHANGED;
        }
        return ok;
    }

    /** {@code /status}'s {@code render} section: one map per entry. */
    public List<Map<String, Object>> status() {
        return renderers.stream().map(Renderer::status).toList();
    }

    private void loop(Renderer r) {
        long seen = -1; // not read yet
        while (!closed) {
            try {
                if (seen < 0) {
                    seen = changes.index(); // before the render, so a change during it wakes the next one
                }
                Renderer.Result result = r.render();
                boolean again = result == Renderer.Result.STALE || result == Renderer.Result.FAILED;
                seen = again ? awaitRetry(r, seen) : awaitBurst(r, seen);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) { // e.g. the store restarting under the change feed: try again later
                LOG.warn("render {}: {}", r.spec().name(), e.toString());
                try {
                    Thread.sleep(retry.toMillis()); // back-off before the next attempt
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Waits {@code retry}, returning early on a change; the index seen next. */
    private long awaitRetry(Renderer r, long seen) throws InterruptedException {
        await(r.tables(), seen, retry);
        return Math.max(seen, changes.index());
    }

    /**
     * Waits for a change of {@code r}'s tables after {@code seen}, then until no further change came for
     * {@code waitMin} or {@code waitMax} passed since the first; returns the newest index seen.
     */
    private long awaitBurst(Renderer r, long seen) throws InterruptedException {
        long last = seen;
        while (!closed && last == seen) {
            await(r.tables(), seen, Duration.ofSeconds(30));
            long now = changes.index();
            if (TableChanges.touches(changes.changedSince(seen), r.tables())) {
                last = now;
            } else {
                seen = Math.max(seen, now); // a change of tables this template does not read
                last = seen;
            }
        }
        RenderSpec s = r.spec();
        long first = System.nanoTime();
        long capNanos = s.waitMax().isZero() ? Long.MAX_VALUE : s.waitMax().toNanos();
        while (!closed && !s.waitMin().isZero()) {
            long left = Math.min(s.waitMin().toNanos(), capNanos - (System.nanoTime() - first));
            if (left <= 0) {
                break;
            }
            await(r.tables(), last, Duration.ofNanos(left));
            long now = changes.index();
            if (now == last) {
                break; // quiet for waitMin
            }
            last = now;
        }
        return last;
    }

    private void await(Set<String> tables, long after, Duration max) throws InterruptedException {
        try {
            changes.awaitChange(tables, after, max).get(max.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // treated as a timeout: the caller re-reads the index
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            onClose.close();
        } catch (Exception e) {
            LOG.debug("render: closing the change feed: {}", e.toString());
        }
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

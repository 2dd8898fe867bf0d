package io.raftlite.server.http;

import io.raftlite.core.watch.ChangeLog;
import io.raftlite.core.watch.WatchResult;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /db/watch} with {@code Accept: text/event-stream}: the long poll's answers as Server-Sent
 * Events, one watch after the other on one connection. Each change is {@code id: M}, {@code event: change},
 * {@code data: {"index":M,"tables":[...]}}; a {@code wait} without change sends a {@code : keepalive}
 * comment. At most one watch is armed per stream, and only while the subscriber asked for more (back
 * pressure); cancelling, or the client's connection closing, ends it. Single subscriber.
 */
final class WatchStream implements Publisher<byte[]> {

    private final ChangeLog changes;
    private final Set<String> tables;
    private final Duration wait;
    private final int maxWatchers;
    private final WatchApi.Connection connection;
    private long index;

    WatchStream(ChangeLog changes, Set<String> tables, long index, Duration wait, int maxWatchers,
                WatchApi.Connection connection) {
        this.changes = changes;
        this.connection = connection;
        this.tables = tables;
        this.index = index;
        this.wait = wait;
        this.maxWatchers = maxWatchers;
    }

    @Override
    public void subscribe(Subscriber<? super byte[]> subscriber) {
        Events events = new Events(subscriber);
        // the server cancels a stream only when a write fails; a client gone between events is seen here
        events.forget = connection.onClose(events::cancel);
        subscriber.onSubscribe(events);
    }

    private final class Events implements Subscription {
        private final Subscriber<? super byte[]> subscriber;
        private long demand;
        private boolean armed;
        private boolean done;
        private boolean started;
        private CompletableFuture<WatchResult> current;
        private volatile Runnable forget = () -> { };

        Events(Subscriber<? super byte[]> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public synchronized void request(long n) {
            if (n <= 0) {
                cancel();
                subscriber.onError(new IllegalArgumentException("request " + n));
                return;
            }
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            pump();
        }

        @Override
        public synchronized void cancel() {
            done = true;
            forget.run();
            if (current != null) {
                current.cancel(false);
            }
        }

        private void pump() {
            if (done || armed || demand == 0) {
                return;
            }
            if (!started) {
                started = true;
                if (index == 0) { // as the long poll: index 0 answers at once with the current state
                    emit(changes.now(tables, 0));
                } else { // the server sends the headers with the first bytes: the client must not wait for them
                    demand--;
                    subscriber.onNext(bytes("retry: 1000\n\n"));
                    pump();
                }
                return;
            }
            Optional<CompletableFuture<WatchResult>> watch = changes.watch(tables, index, wait, maxWatchers);
            if (watch.isEmpty()) {
                done = true;
                forget.run();
                subscriber.onNext(bytes("event: error\ndata: too many watchers\n\n"));
                subscriber.onComplete();
                return;
            }
            armed = true;
            current = watch.get();
            current.whenComplete((result, error) -> answered(result));
        }

        private synchronized void answered(WatchResult result) {
            armed = false;
            current = null;
            if (done || result == null) {
                return;
            }
            if (result.tables().isEmpty()) {
                demand--;
                subscriber.onNext(bytes(": keepalive\n\n"));
                pump();
            } else {
                emit(result);
            }
        }

        private void emit(WatchResult result) {
            index = result.index();
            demand--;
            subscriber.onNext(bytes("id: " + result.index() + "\nevent: change\ndata: " + result.toJson() + "\n\n"));
            pump();
        }

        private static byte[] bytes(String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }
}

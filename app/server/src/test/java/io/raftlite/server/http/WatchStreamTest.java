package io.raftlite.server.http;

import io.raftlite.core.db.TableChanges;
import io.raftlite.core.watch.ChangeLog;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WatchStreamTest {

    private final ChangeLog changes = new ChangeLog(Runnable::run);
    private final List<String> events = new CopyOnWriteArrayList<>();
    private Subscription subscription;

    private void subscribe(WatchStream stream) {
        stream.subscribe(new Subscriber<byte[]>() {
            @Override
            public void onSubscribe(Subscription s) {
                subscription = s;
            }

            @Override
            public void onNext(byte[] bytes) {
                events.add(new String(bytes, StandardCharsets.UTF_8));
            }

            @Override
            public void onError(Throwable t) {
                events.add("error " + t);
            }

            @Override
            public void onComplete() {
                events.add("complete");
            }
        });
    }

    @Test
    void changesOfWatchedTablesArriveAsEventsAsTheSubscriberAsks() {
        changes.applied(3, new TableChanges(Set.of("a"), false));
        subscribe(new WatchStream(changes, Set.of("a"), 0, Duration.ofMinutes(1), 10, WatchApi.Connection.NONE));
        subscription.request(2);
        assertEquals(List.of("id: 3\nevent: change\ndata: {\"index\":3,\"tables\":[\"a\"]}\n\n"), events);
        changes.applied(4, new TableChanges(Set.of("b"), false));
        changes.applied(5, new TableChanges(Set.of("a", "b"), false));
        changes.applied(6, new TableChanges(Set.of("a"), false));
        assertEquals(2, events.size(), "no demand left after two events");
        assertEquals("id: 5\nevent: change\ndata: {\"index\":5,\"tables\":[\"a\"]}\n\n", events.get(1));
        subscription.request(1);
        assertEquals("id: 6\nevent: change\ndata: {\"index\":6,\"tables\":[\"a\"]}\n\n", events.get(2));
        assertEquals(0, changes.watchers(), "the stream waits for the next change only when asked");
        subscription.request(1);
        assertEquals(1, changes.watchers());
        subscription.cancel();
        assertEquals(0, changes.watchers());
    }

    @Test
    void aClosedConnectionEndsTheStream() {
        Runnable[] close = new Runnable[1];
        subscribe(new WatchStream(changes, null, 7, Duration.ofMinutes(1), 10, action -> {
            close[0] = action;
            return () -> { };
        }));
        subscription.request(Long.MAX_VALUE);
        assertEquals(List.of("retry: 1000\n\n"), events, "something at once, so the client gets the headers");
        assertEquals(1, changes.watchers());
        close[0].run();
        assertEquals(0, changes.watchers());
        changes.applied(8, new TableChanges(Set.of("a"), false));
        assertEquals(List.of("retry: 1000\n\n"), events);
    }
}

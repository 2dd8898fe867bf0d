package io.raftlite.discovery.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The fake Consul's data: the KV store, the sessions and the Raft index, behind one monitor. Every write
 * takes the next index; every change wakes the blocking queries. Sessions whose TTL lapsed are invalidated
 * before any operation reads the state, and by {@link #reap()} which the server calls every few
 * milliseconds, so a blocking query wakes when a lock is released by expiry.
 */
final class FakeConsulState {

    /** Consul's default {@code kv_max_value_size}. */
    static final int MAX_VALUE_BYTES = 512 * 1024;

    /** One key, as {@code GET /v1/kv/<key>} reports it; {@code session} is null when unlocked. */
    record Entry(String key, byte[] value, long flags, long createIndex, long modifyIndex, long lockIndex,
                 String session) {
        Entry with(byte[] v, long f, long idx, long lock, String s) {
            return new Entry(key, v, f, createIndex, idx, lock, s);
        }
    }

    /** One session; {@code expiresAtNanos} is meaningless when {@code ttl} is zero. */
    record Session(String id, String name, String node, Duration lockDelay, String behavior, Duration ttl,
                   List<String> checks, long createIndex, long expiresAtNanos) {
    }

    /** A Consul error answer: the HTTP status and the text body. */
    static final class Failure extends RuntimeException {
        final int status;

        Failure(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final double ttlMultiplier;
    private NavigableMap<String, Entry> kv = new TreeMap<>();
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private final Map<String, Long> lockDelayUntilNanos = new HashMap<>();
    private long index = 1;
    private long kvIndex;
    private long sessionIndex;

    FakeConsulState(double ttlMultiplier) {
        this.ttlMultiplier = ttlMultiplier;
    }

    // ---- reads ----

    synchronized Entry get(String key) {
        reap();
        return kv.get(key);
    }

    synchronized List<Entry> list(String prefix) {
        reap();
        return new ArrayList<>(kv.subMap(prefix, true, prefix + Character.MAX_VALUE, false).values());
    }

    /** {@code X-Consul-Index} for a read of one key: its ModifyIndex, or the KV table's index when missing. */
    synchronized long indexOf(String key) {
        Entry e = kv.get(key);
        return e != null ? e.modifyIndex : Math.max(kvIndex, 1);
    }

    /** {@code X-Consul-Index} for a prefix read: the highest ModifyIndex under it, else the table's index. */
    synchronized long indexOfPrefix(String prefix) {
        long max = 0;
        for (Entry e : list(prefix)) {
            max = Math.max(max, e.modifyIndex);
        }
        return max != 0 ? max : Math.max(kvIndex, 1);
    }

    synchronized long sessionIndex() {
        return Math.max(sessionIndex, 1);
    }

    /** Holds until {@code current} exceeds {@code minIndex}, or {@code wait} elapses (a Consul blocking query). */
    synchronized void await(LongSupplier current, long minIndex, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (minIndex > 0 && current.getAsLong() <= minIndex) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            wait(Math.max(1, Math.min(left / 1_000_000, 50)));
            reap();
        }
    }

    // ---- KV writes; each takes the index it writes at, so a transaction writes all at one index ----

    synchronized long nextIndex() {
        reap();
        return ++index;
    }

    void set(String key, byte[] value, long flags, long idx) {
        Entry e = kv.get(key);
        kv.put(key, e == null ? new Entry(key, value, flags, idx, idx, 0, null)
                : e.with(value, flags, idx, e.lockIndex, e.session));
        changed(idx);
    }

    boolean cas(String key, byte[] value, long flags, long expected, long idx) {
        Entry e = kv.get(key);
        if (expected == 0 ? e != null : e == null || e.modifyIndex != expected) {
            return false;
        }
        set(key, value, flags, idx);
        return true;
    }

    boolean lock(String key, byte[] value, long flags, String session, long idx) {
        if (session == null || session.isEmpty()) {
            throw new Failure(400, "Missing session");
        }
        if (!sessions.containsKey(session)) {
            throw new Failure(500, "invalid session \"" + session + "\"");
        }
        Long until = lockDelayUntilNanos.get(key);
        if (until != null && until - System.nanoTime() > 0) {
            return false;
        }
        Entry e = kv.get(key);
        if (e == null) {
            kv.put(key, new Entry(key, value, flags, idx, idx, 1, session));
        } else if (session.equals(e.session)) {
            kv.put(key, e.with(value, flags, idx, e.lockIndex, session));
        } else if (e.session != null) {
            return false;
        } else {
            kv.put(key, e.with(value, flags, idx, e.lockIndex + 1, session));
        }
        changed(idx);
        return true;
    }

    boolean unlock(String key, byte[] value, long flags, String session, long idx) {
        Entry e = kv.get(key);
        if (e == null || e.session == null || !e.session.equals(session)) {
            return false;
        }
        kv.put(key, e.with(value, flags, idx, e.lockIndex, null));
        changed(idx);
        return true;
    }

    void delete(String key, long idx) {
        if (kv.remove(key) != null) {
            changed(idx);
        }
    }

    void deleteTree(String prefix, long idx) {
        for (Entry e : list(prefix)) {
            delete(e.key, idx);
        }
    }

    boolean deleteCas(String key, long expected, long idx) {
        Entry e = kv.get(key);
        if (expected == 0 || e == null || e.modifyIndex != expected) {
            return false;
        }
        delete(key, idx);
        return true;
    }

    /** Runs {@code body} all-or-nothing: when it throws, the KV store is as it was before. */
    synchronized <T> T atomically(java.util.function.Supplier<T> body) {
        reap();
        NavigableMap<String, Entry> before = new TreeMap<>(kv);
        long kvIndexBefore = kvIndex;
        try {
            return body.get();
        } catch (RuntimeException e) {
            kv = before;
            kvIndex = kvIndexBefore;
            throw e;
        }
    }

    private void changed(long idx) {
        kvIndex = idx;
        notifyAll();
    }

    // ---- sessions ----

    synchronized String createSession(String name, String node, Duration lockDelay, String behavior,
                                      Duration ttl, List<String> checks) {
        reap();
        String id = UUID.randomUUID().toString();
        long idx = ++index;
        sessions.put(id, new Session(id, name, node, lockDelay, behavior, ttl, List.copyOf(checks), idx,
                System.nanoTime() + scaled(ttl)));
        sessionIndex = idx;
        notifyAll();
        return id;
    }

    synchronized Session session(String id) {
        reap();
        return sessions.get(id);
    }

    synchronized List<Session> sessions() {
        reap();
        return new ArrayList<>(sessions.values());
    }

    /** Extends a session by its TTL; null when it is gone. */
    synchronized Session renew(String id) {
        reap();
        Session s = sessions.get(id);
        if (s == null) {
            return null;
        }
        Session renewed = new Session(s.id, s.name, s.node, s.lockDelay, s.behavior, s.ttl, s.checks,
                s.createIndex, System.nanoTime() + scaled(s.ttl));
        sessions.put(id, renewed);
        return renewed;
    }

    synchronized void destroy(String id) {
        reap();
        Session s = sessions.get(id);
        if (s != null) {
            invalidate(s, ++index);
        }
    }

    /** Invalidates every session whose TTL (times the multiplier) has lapsed. */
    synchronized void reap() {
        long now = System.nanoTime();
        for (Session s : new ArrayList<>(sessions.values())) {
            if (!s.ttl.isZero() && now - s.expiresAtNanos >= 0) {
                invalidate(s, ++index);
            }
        }
    }

    private void invalidate(Session s, long idx) {
        sessions.remove(s.id);
        sessionIndex = idx;
        for (Entry e : new ArrayList<>(kv.values())) {
            if (!s.id.equals(e.session)) {
                continue;
            }
            if (!s.lockDelay.isZero()) {
                lockDelayUntilNanos.put(e.key, System.nanoTime() + s.lockDelay.toNanos());
            }
            if ("delete".equals(s.behavior)) {
                kv.remove(e.key);
            } else {
                kv.put(e.key, e.with(e.value, e.flags, idx, e.lockIndex, null));
            }
            kvIndex = idx;
        }
        notifyAll();
    }

    private long scaled(Duration ttl) {
        return (long) (ttl.toNanos() * ttlMultiplier);
    }
}

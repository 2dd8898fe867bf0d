package io.raftlite.discovery.tck;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * {@code /v1/kv/<key>}: GET (with {@code recurse}, {@code keys}, {@code separator}, {@code raw} and blocking
 * {@code index}/{@code wait}), PUT (with {@code flags}, {@code cas}, {@code acquire}, {@code release}) and
 * DELETE (with {@code recurse}, {@code cas}), as {@code kv.mdx} documents them.
 */
final class FakeConsulKv implements FakeConsulExchange.Route {

    static final String PREFIX = "/v1/kv/";

    private final FakeConsulState state;

    FakeConsulKv(FakeConsulState state) {
        this.state = state;
    }

    @Override
    public void serve(FakeConsulExchange x) throws IOException, InterruptedException {
        if (!x.path.startsWith(PREFIX)) {
            x.notFound();
            return;
        }
        String key = x.path.substring(PREFIX.length());
        switch (x.method) {
            case "GET" -> get(x, key);
            case "PUT" -> put(x, key);
            case "DELETE" -> delete(x, key);
            default -> x.methodNotAllowed();
        }
    }

    private void get(FakeConsulExchange x, String key) throws IOException, InterruptedException {
        boolean keys = x.has("keys");
        boolean tree = keys || x.has("recurse");
        LongSupplier index = tree ? () -> state.indexOfPrefix(key) : () -> state.indexOf(key);
        if (x.has("index")) {
            state.await(index, x.number("index", "index"), x.waitTime());
        }
        List<FakeConsulState.Entry> found;
        long idx;
        synchronized (state) {
            if (tree) {
                found = state.list(key);
            } else {
                FakeConsulState.Entry e = state.get(key);
                found = e == null ? List.of() : List.of(e);
            }
            idx = index.getAsLong();
        }
        x.readHeaders(idx);
        if (found.isEmpty()) {
            x.send(404, "text/plain", new byte[0]);
        } else if (keys) {
            x.json(200, keyList(found, key, x.query.get("separator")));
        } else if (x.has("raw")) {
            x.send(200, "text/plain", found.get(0).value());
        } else {
            List<Object> out = new ArrayList<>();
            found.forEach(e -> out.add(json(e, true)));
            x.json(200, out);
        }
    }

    private static List<String> keyList(List<FakeConsulState.Entry> found, String prefix, String separator) {
        Set<String> out = new LinkedHashSet<>();
        for (FakeConsulState.Entry e : found) {
            String k = e.key();
            int cut = separator == null || separator.isEmpty() ? -1 : k.indexOf(separator, prefix.length());
            out.add(cut < 0 ? k : k.substring(0, cut + separator.length()));
        }
        return new ArrayList<>(out);
    }

    /** One entry as Consul writes it; {@code Value} is null when empty or when {@code withValue} is false. */
    static Map<String, Object> json(FakeConsulState.Entry e, boolean withValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("LockIndex", e.lockIndex());
        m.put("Key", e.key());
        m.put("Flags", e.flags());
        m.put("Value", !withValue || e.value().length == 0 ? null : Base64.getEncoder().encodeToString(e.value()));
        if (e.session() != null) {
            m.put("Session", e.session());
        }
        m.put("CreateIndex", e.createIndex());
        m.put("ModifyIndex", e.modifyIndex());
        return m;
    }

    private void put(FakeConsulExchange x, String key) throws IOException {
        if (key.isEmpty()) {
            throw new FakeConsulState.Failure(400, "Missing key name");
        }
        byte[] value = x.body(FakeConsulState.MAX_VALUE_BYTES);
        long flags = x.number("flags", "flags");
        // Consul picks one operation, later ones winning: cas, then acquire, then release.
        String release = x.query.get("release");
        String acquire = x.query.get("acquire");
        long cas = x.number("cas", "CAS index");
        boolean ok = state.atomically(() -> {
            long idx = state.nextIndex();
            if (release != null) {
                return state.unlock(key, value, flags, release, idx);
            }
            if (acquire != null) {
                return state.lock(key, value, flags, acquire, idx);
            }
            if (x.has("cas")) {
                return state.cas(key, value, flags, cas, idx);
            }
            state.set(key, value, flags, idx);
            return true;
        });
        x.bool(ok);
    }

    private void delete(FakeConsulExchange x, String key) throws IOException {
        boolean recurse = x.has("recurse");
        if (key.isEmpty() && !recurse) {
            throw new FakeConsulState.Failure(400, "Missing key name");
        }
        long cas = x.number("cas", "CAS index");
        boolean ok = state.atomically(() -> {
            long idx = state.nextIndex();
            if (recurse) {
                state.deleteTree(key, idx);
                return true;
            }
            if (x.has("cas")) {
                return state.deleteCas(key, cas, idx);
            }
            state.delete(key, idx);
            return true;
        });
        x.bool(ok);
    }
}

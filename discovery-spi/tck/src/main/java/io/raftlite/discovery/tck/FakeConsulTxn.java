package io.raftlite.discovery.tck;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code PUT /v1/txn} with KV operations ({@code txn.mdx}): every operation runs at one Raft index; when any
 * fails, none is applied and the answer is 409 with every failed operation's index and reason, otherwise 200
 * with a result per operation that returns an entry (none for deletes and {@code check-not-exists}).
 */
final class FakeConsulTxn implements FakeConsulExchange.Route {

    private static final int MAX_OPS = 128;
    private static final Set<String> READS = Set.of("get", "get-or-empty", "get-tree", "check-index",
            "check-session", "check-not-exists");

    private final FakeConsulState state;

    FakeConsulTxn(FakeConsulState state) {
        this.state = state;
    }

    private record Op(String verb, String key, byte[] value, long flags, long index, String session) {
    }

    /** Thrown inside the transaction to roll it back with Consul's per-operation errors. */
    private static final class RolledBack extends RuntimeException {
        final List<Object> errors;

        RolledBack(List<Object> errors) {
            super("transaction rolled back", null, false, false);
            this.errors = errors;
        }
    }

    @Override
    public void serve(FakeConsulExchange x) throws IOException {
        if (!x.path.equals("/v1/txn")) {
            x.notFound();
            return;
        }
        if (!x.method.equals("PUT")) {
            x.methodNotAllowed();
            return;
        }
        List<Op> ops = parse(x.jsonBody());
        boolean readOnly = ops.stream().allMatch(o -> READS.contains(o.verb));
        Map<String, Object> answer = new LinkedHashMap<>();
        int status;
        try {
            List<Object> results = state.atomically(() -> run(ops));
            answer.put("Results", results);
            answer.put("Errors", null);
            status = 200;
        } catch (RolledBack r) {
            answer.put("Results", null);
            answer.put("Errors", r.errors);
            status = 409;
        }
        if (readOnly) {
            x.http.getResponseHeaders().set("X-Consul-KnownLeader", "true");
            x.http.getResponseHeaders().set("X-Consul-LastContact", "0");
        }
        x.json(status, answer);
    }

    private static List<Op> parse(Object body) {
        if (!(body instanceof List<?> list)) {
            throw new FakeConsulState.Failure(400, "Failed to parse body: expected a JSON array of operations");
        }
        if (list.size() > MAX_OPS) {
            throw new FakeConsulState.Failure(413, "Transaction contains too many operations (" + list.size()
                    + " > " + MAX_OPS + ")");
        }
        List<Op> ops = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m) || !(m.get("KV") instanceof Map<?, ?> kv)) {
                throw new FakeConsulState.Failure(400, "fake consul supports KV operations only, got " + o);
            }
            String key = kv.get("Key") instanceof String s ? s : "";
            byte[] value = kv.get("Value") instanceof String v ? decode(v) : new byte[0];
            if (value.length > FakeConsulState.MAX_VALUE_BYTES) {
                throw new FakeConsulState.Failure(413, "Value for key \"" + key + "\" is too large ("
                        + value.length + " > " + FakeConsulState.MAX_VALUE_BYTES + " bytes)");
            }
            ops.add(new Op(String.valueOf(kv.get("Verb")), key, value, number(kv.get("Flags")),
                    number(kv.get("Index")), kv.get("Session") instanceof String s ? s : ""));
        }
        return ops;
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new FakeConsulState.Failure(400, "Failed to parse body: illegal base64 data in Value");
        }
    }

    private static long number(Object v) {
        return v instanceof Number n ? n.longValue() : 0;
    }

    private List<Object> run(List<Op> ops) {
        long idx = ops.stream().allMatch(o -> READS.contains(o.verb)) ? 0 : state.nextIndex();
        List<Object> results = new ArrayList<>();
        List<Object> errors = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            try {
                results.addAll(apply(ops.get(i), idx));
            } catch (FakeConsulState.Failure f) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("OpIndex", i);
                e.put("What", f.getMessage());
                errors.add(e);
            }
        }
        if (!errors.isEmpty()) {
            throw new RolledBack(errors);
        }
        return results;
    }

    private List<Object> apply(Op op, long idx) {
        String q = "\"" + op.key + "\"";
        switch (op.verb) {
            case "set" -> state.set(op.key, op.value, op.flags, idx);
            case "cas" -> check(state.cas(op.key, op.value, op.flags, op.index, idx),
                    "failed to set key " + q + ", index is stale");
            case "lock" -> check(state.lock(op.key, op.value, op.flags, op.session, idx),
                    "failed to lock key " + q + ", lock is already held");
            case "unlock" -> check(state.unlock(op.key, op.value, op.flags, op.session, idx),
                    "failed to unlock key " + q + ", lock isn't held, or is held by another session");
            case "get", "get-or-empty" -> {
                FakeConsulState.Entry e = state.get(op.key);
                check(e != null || op.verb.equals("get-or-empty"), "key " + q + " doesn't exist");
                return e == null ? List.of() : List.of(result(e, true));
            }
            case "get-tree" -> {
                List<Object> out = new ArrayList<>();
                state.list(op.key).forEach(e -> out.add(result(e, true)));
                return out;
            }
            case "check-index" -> {
                FakeConsulState.Entry e = existing(op.key);
                check(e.modifyIndex() == op.index, "current modify index " + e.modifyIndex() + " != " + op.index);
            }
            case "check-session" -> {
                FakeConsulState.Entry e = existing(op.key);
                String held = e.session() == null ? "" : e.session();
                check(held.equals(op.session), "current session \"" + held + "\" != \"" + op.session + "\"");
            }
            case "check-not-exists" -> {
                check(state.get(op.key) == null, "key " + q + " exists");
                return List.of();
            }
            case "delete" -> {
                state.delete(op.key, idx);
                return List.of();
            }
            case "delete-tree" -> {
                state.deleteTree(op.key, idx);
                return List.of();
            }
            case "delete-cas" -> {
                check(state.deleteCas(op.key, op.index, idx), "failed to delete key " + q + ", index is stale");
                return List.of();
            }
            default -> throw new FakeConsulState.Failure(400, "unknown KV verb \"" + op.verb + "\"");
        }
        FakeConsulState.Entry after = state.get(op.key);
        return after == null ? List.of() : List.of(result(after, false));
    }

    private FakeConsulState.Entry existing(String key) {
        FakeConsulState.Entry e = state.get(key);
        check(e != null, "key \"" + key + "\" doesn't exist");
        return e;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new FakeConsulState.Failure(409, what);
        }
    }

    private static Map<String, Object> result(FakeConsulState.Entry e, boolean withValue) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("KV", FakeConsulKv.json(e, withValue));
        return r;
    }
}

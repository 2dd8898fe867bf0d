package io.raftlite.discovery.tck;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code /v1/session/*} ({@code session.mdx}): create (LockDelay default 15 s, Behavior release|delete, TTL
 * 10 s to 86400 s), renew (404 once the session is gone), destroy (idempotent), info, list and node.
 */
final class FakeConsulSessions implements FakeConsulExchange.Route {

    static final String PREFIX = "/v1/session/";
    private static final Duration MIN_TTL = Duration.ofSeconds(10);
    private static final Duration MAX_TTL = Duration.ofSeconds(86400);
    private static final Duration MAX_LOCK_DELAY = Duration.ofSeconds(60);

    private final FakeConsulState state;
    private final String nodeName;
    private final Predicate<String> knownCheck;

    FakeConsulSessions(FakeConsulState state, String nodeName, Predicate<String> knownCheck) {
        this.state = state;
        this.nodeName = nodeName;
        this.knownCheck = knownCheck;
    }

    @Override
    public void serve(FakeConsulExchange x) throws IOException {
        String rest = x.path.startsWith(PREFIX) ? x.path.substring(PREFIX.length()) : "";
        int slash = rest.indexOf('/');
        String verb = slash < 0 ? rest : rest.substring(0, slash);
        String arg = slash < 0 ? null : rest.substring(slash + 1);
        String want = switch (verb) {
            case "create", "renew", "destroy" -> "PUT";
            case "info", "list", "node" -> "GET";
            default -> null;
        };
        if (want == null || (arg == null) != verb.matches("create|list")) {
            x.notFound();
            return;
        }
        if (!x.method.equals(want)) {
            x.methodNotAllowed();
            return;
        }
        switch (verb) {
            case "create" -> create(x);
            case "renew" -> {
                FakeConsulState.Session s = state.renew(uuid(arg));
                if (s == null) {
                    x.text(404, "Session id '" + arg + "' not found");
                } else {
                    x.json(200, List.of(json(s)));
                }
            }
            case "destroy" -> {
                state.destroy(uuid(arg));
                x.bool(true);
            }
            case "info" -> {
                FakeConsulState.Session s = state.session(uuid(arg));
                x.readHeaders(state.sessionIndex());
                x.json(200, s == null ? List.of() : List.of(json(s)));
            }
            default -> {
                List<Object> out = new ArrayList<>();
                state.sessions().stream().filter(s -> arg == null || s.node().equals(arg))
                        .forEach(s -> out.add(json(s)));
                x.readHeaders(state.sessionIndex());
                x.json(200, out);
            }
        }
    }

    private static String uuid(String id) {
        if (!id.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
            throw new FakeConsulState.Failure(400, "Session ID must be a valid UUID: " + id);
        }
        return id;
    }

    private void create(FakeConsulExchange x) throws IOException {
        Object body = x.jsonBody();
        Map<?, ?> m = body == null ? Map.of() : body instanceof Map<?, ?> mm ? mm : null;
        if (m == null) {
            throw new FakeConsulState.Failure(400, "Request decode failed: expected a JSON object");
        }
        String node = m.get("Node") instanceof String s && !s.isEmpty() ? s : nodeName;
        if (!node.equals(nodeName)) {
            throw new FakeConsulState.Failure(500, "Missing node registration");
        }
        Duration lockDelay = lockDelay(m.get("LockDelay"));
        String behavior = m.get("Behavior") instanceof String s && !s.isEmpty() ? s : "release";
        if (!behavior.equals("release") && !behavior.equals("delete")) {
            throw new FakeConsulState.Failure(400, "Invalid Behavior setting '" + behavior + "'");
        }
        Duration ttl = Duration.ZERO;
        if (m.get("TTL") instanceof String t && !t.isEmpty()) {
            ttl = FakeConsulExchange.goDuration(t, "Session TTL");
            if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
                throw new FakeConsulState.Failure(400, "Invalid Session TTL '" + t + "', must be between [10s=24h0m0s]");
            }
        }
        List<String> checks = checks(m);
        String name = m.get("Name") instanceof String s ? s : "";
        String id = state.createSession(name, node, lockDelay, behavior, ttl, checks);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ID", id);
        x.json(200, answer);
    }

    /** A string is a Go duration; a number below 1000 means seconds, else nanoseconds (Consul's fix-up). */
    private static Duration lockDelay(Object v) {
        Duration d;
        if (v == null) {
            d = Duration.ofSeconds(15);
        } else if (v instanceof Long n) {
            d = n < 1000 ? Duration.ofSeconds(n) : Duration.ofNanos(n);
        } else if (v instanceof String s) {
            d = FakeConsulExchange.goDuration(s, "LockDelay");
        } else {
            throw new FakeConsulState.Failure(400, "Request decode failed: LockDelay must be a duration");
        }
        if (d.compareTo(MAX_LOCK_DELAY) > 0) {
            throw new FakeConsulState.Failure(500, "Lock delay must be less than 60s");
        }
        return d;
    }

    private List<String> checks(Map<?, ?> m) {
        List<String> checks = new ArrayList<>();
        Object node = m.get("NodeChecks") != null ? m.get("NodeChecks") : m.get("Checks");
        if (node == null && m.get("ServiceChecks") == null) {
            checks.add("serfHealth");
        }
        if (node instanceof List<?> l) {
            l.forEach(c -> checks.add(String.valueOf(c)));
        }
        if (m.get("ServiceChecks") instanceof List<?> l) {
            for (Object c : l) {
                checks.add(c instanceof Map<?, ?> sc ? String.valueOf(sc.get("ID")) : String.valueOf(c));
            }
        }
        for (String c : checks) {
            if (!c.equals("serfHealth") && !knownCheck.test(c)) {
                throw new FakeConsulState.Failure(500, "Missing check '" + c + "' registration");
            }
        }
        return checks;
    }

    private static Map<String, Object> json(FakeConsulState.Session s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ID", s.id());
        m.put("Name", s.name());
        m.put("Node", s.node());
        m.put("LockDelay", s.lockDelay().toNanos());
        m.put("Behavior", s.behavior());
        m.put("TTL", s.ttl().isZero() ? "" : s.ttl().toSeconds() + "s");
        m.put("NodeChecks", s.checks());
        m.put("ServiceChecks", null);
        m.put("CreateIndex", s.createIndex());
        m.put("ModifyIndex", s.createIndex());
        return m;
    }
}

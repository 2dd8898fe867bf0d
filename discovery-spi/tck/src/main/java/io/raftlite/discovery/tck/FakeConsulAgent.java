package io.raftlite.discovery.tck;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client library touches besides KV and sessions: {@code /v1/status/leader} and {@code peers},
 * {@code /v1/agent/self}, service registration on the agent ({@code service/register}, {@code deregister},
 * {@code services}, {@code checks}, {@code check/pass|warn|fail}) and the catalog and health views of those
 * services ({@code /v1/catalog/services}, {@code /v1/catalog/service/<name>}, {@code /v1/health/service/<name>}).
 * Registrations live in memory on one node; checks are TTL-style and start critical.
 */
final class FakeConsulAgent implements FakeConsulExchange.Route {

    static final String DATACENTER = "dc1";

    private final String nodeName;
    private final String host;
    private final Map<String, FakeConsulService> services = new LinkedHashMap<>();
    private long index = 1;

    FakeConsulAgent(String nodeName, String host) {
        this.nodeName = nodeName;
        this.host = host;
    }

    synchronized List<FakeConsulService> services() {
        return new ArrayList<>(services.values());
    }

    synchronized boolean hasCheck(String checkId) {
        return services.values().stream().anyMatch(s -> s.checks().containsKey(checkId));
    }

    @Override
    public void serve(FakeConsulExchange x) throws IOException {
        String p = x.path;
        String get = x.method.equals("GET") ? p : "";
        String put = x.method.equals("PUT") ? p : "";
        if (get.equals("/v1/status/leader")) {
            x.json(200, host + ":8300");
        } else if (get.equals("/v1/status/peers")) {
            x.json(200, List.of(host + ":8300"));
        } else if (get.equals("/v1/agent/self")) {
            x.json(200, self());
        } else if (put.equals("/v1/agent/service/register")) {
            register(x.jsonBody());
            x.send(200, "text/plain", new byte[0]);
        } else if (put.startsWith("/v1/agent/service/deregister/")) {
            deregister(x, p.substring("/v1/agent/service/deregister/".length()));
        } else if (get.equals("/v1/agent/services")) {
            x.json(200, agentServices());
        } else if (get.equals("/v1/agent/checks")) {
            x.json(200, agentChecks());
        } else if (put.matches("/v1/agent/check/(pass|warn|fail)/.+")) {
            String[] parts = p.split("/", 6);
            updateCheck(parts[5], switch (parts[4]) {
                case "pass" -> "passing";
                case "warn" -> "warning";
                default -> "critical";
            });
            x.send(200, "text/plain", new byte[0]);
        } else if (get.equals("/v1/catalog/services")) {
            x.readHeaders(index());
            x.json(200, catalogServices());
        } else if (get.startsWith("/v1/catalog/service/") || get.startsWith("/v1/health/service/")) {
            String name = p.substring(p.lastIndexOf('/') + 1);
            x.readHeaders(index());
            x.json(200, byName(name, p.startsWith("/v1/health/"), x.has("passing")));
        } else {
            x.notFound();
        }
    }

    private synchronized long index() {
        return index;
    }

    private Map<String, Object> self() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("Datacenter", DATACENTER);
        config.put("NodeName", nodeName);
        config.put("NodeID", "00000000-0000-0000-0000-000000000081");
        config.put("Server", true);
        config.put("Revision", "fake");
        config.put("Version", "1.20.0");
        Map<String, Object> member = new LinkedHashMap<>();
        member.put("Name", nodeName);
        member.put("Addr", host);
        member.put("Port", 8301);
        member.put("Status", 1);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Config", config);
        out.put("Member", member);
        return out;
    }

    private synchronized void register(Object body) {
        if (!(body instanceof Map<?, ?> m) || !(m.get("Name") instanceof String name) || name.isEmpty()) {
            throw new FakeConsulState.Failure(400, "Missing service name");
        }
        String id = m.get("ID") instanceof String s && !s.isEmpty() ? s : name;
        List<Object> defs = new ArrayList<>();
        if (m.get("Check") instanceof Map<?, ?> c) {
            defs.add(c);
        }
        if (m.get("Checks") instanceof List<?> l) {
            defs.addAll(l);
        }
        Map<String, String> checks = new LinkedHashMap<>();
        Map<String, String> httpChecks = new LinkedHashMap<>();
        for (int i = 0; i < defs.size(); i++) {
            Map<?, ?> c = (Map<?, ?>) defs.get(i);
            String checkId = c.get("CheckID") instanceof String s && !s.isEmpty() ? s
                    : "service:" + id + (defs.size() > 1 ? ":" + (i + 1) : "");
            checks.put(checkId, c.get("Status") instanceof String s && !s.isEmpty() ? s : "critical");
            if (c.get("HTTP") instanceof String url && !url.isEmpty()) {
                httpChecks.put(checkId, url);
            }
        }
        List<String> tags = new ArrayList<>();
        if (m.get("Tags") instanceof List<?> l) {
            l.forEach(t -> tags.add(String.valueOf(t)));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        if (m.get("Meta") instanceof Map<?, ?> mm) {
            mm.forEach((k, v) -> meta.put(String.valueOf(k), String.valueOf(v)));
        }
        String address = m.get("Address") instanceof String a ? a : "";
        int port = m.get("Port") instanceof Number n ? n.intValue() : 0;
        services.put(id, new FakeConsulService(id, name, address, port, tags, meta, checks, httpChecks));
        index++;
    }

    private void deregister(FakeConsulExchange x, String id) throws IOException {
        boolean removed;
        synchronized (this) {
            removed = services.remove(id) != null;
            index++;
        }
        if (removed) {
            x.send(200, "text/plain", new byte[0]);
        } else {
            x.text(404, "Unknown service ID \"" + id + "\". Ensure that the service ID is passed, not the service name.");
        }
    }

    private synchronized void updateCheck(String checkId, String status) {
        for (FakeConsulService s : services.values()) {
            if (s.checks().containsKey(checkId)) {
                Map<String, String> checks = new LinkedHashMap<>(s.checks());
                checks.put(checkId, status);
                services.put(s.id(), new FakeConsulService(s.id(), s.name(), s.address(), s.port(), s.tags(),
                        s.meta(), checks, s.httpChecks()));
                index++;
                return;
            }
        }
        throw new FakeConsulState.Failure(500, "Unknown check ID \"" + checkId
                + "\". Ensure that the check ID is passed, not the check name.");
    }

    private synchronized Map<String, Object> agentServices() {
        Map<String, Object> out = new LinkedHashMap<>();
        services.values().forEach(s -> out.put(s.id(), service(s)));
        return out;
    }

    private synchronized Map<String, Object> agentChecks() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (FakeConsulService s : services.values()) {
            s.checks().forEach((id, status) -> out.put(id, check(s, id, status)));
        }
        return out;
    }

    private synchronized Map<String, Object> catalogServices() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("consul", List.of());
        services.values().forEach(s -> out.put(s.name(), s.tags()));
        return out;
    }

    private synchronized List<Object> byName(String name, boolean health, boolean passingOnly) {
        List<Object> out = new ArrayList<>();
        for (FakeConsulService s : services.values()) {
            if (!s.name().equals(name) || (passingOnly && !s.passing())) {
                continue;
            }
            if (!health) {
                Map<String, Object> c = new LinkedHashMap<>(node());
                c.put("ServiceID", s.id());
                c.put("ServiceName", s.name());
                c.put("ServiceTags", s.tags());
                c.put("ServiceAddress", s.address());
                c.put("ServicePort", s.port());
                c.put("ServiceMeta", s.meta());
                out.add(c);
                continue;
            }
            List<Object> checks = new ArrayList<>();
            s.checks().forEach((id, status) -> checks.add(check(s, id, status)));
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("Node", node());
            entry.put("Service", service(s));
            entry.put("Checks", checks);
            out.add(entry);
        }
        return out;
    }

    private Map<String, Object> node() {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("ID", "00000000-0000-0000-0000-000000000081");
        n.put("Node", nodeName);
        n.put("Address", host);
        n.put("Datacenter", DATACENTER);
        return n;
    }

    private static Map<String, Object> service(FakeConsulService s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ID", s.id());
        m.put("Service", s.name());
        m.put("Tags", s.tags());
        m.put("Meta", s.meta());
        m.put("Port", s.port());
        m.put("Address", s.address());
        m.put("Datacenter", DATACENTER);
        return m;
    }

    private Map<String, Object> check(FakeConsulService s, String id, String status) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("Node", nodeName);
        c.put("CheckID", id);
        c.put("Name", "Service '" + s.name() + "' check");
        c.put("Status", status);
        c.put("ServiceID", s.id());
        c.put("ServiceName", s.name());
        return c;
    }
}

package io.raftlite.server.http;

import io.raftlite.core.api.GoDuration;
import io.raftlite.core.discovery.DiscoveryTracker;
import io.raftlite.core.json.Json;
import io.raftlite.core.store.StoreStatus;
import io.raftlite.discovery.ClusterRecord;
import io.raftlite.discovery.Member;
import io.raftlite.server.NodeInfo;
import io.raftlite.server.config.HttpTlsSettings;
import io.raftlite.server.config.NodeSettings;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Diagnostics in rqlite's shapes, from the store's status and this node's settings. */
public final class StatusApi {

    private final ClusterView store;
    private final NodeSettings settings;
    private final NodeInfo info;
    private final Supplier<DiscoveryTracker.Status> disco;
    private final Supplier<List<Map<String, Object>>> render;
    private final Supplier<Map<String, Object>> formation;

    public StatusApi(ClusterView store, NodeSettings settings, NodeInfo info) {
        this(store, settings, info, () -> null);
    }

    /** @param disco the discovery store's last known state, or null when {@code -disco-mode} is off */
    public StatusApi(ClusterView store, NodeSettings settings, NodeInfo info, Supplier<DiscoveryTracker.Status> disco) {
        this(store, settings, info, disco, List::of);
    }

    /** @param render the {@code render} section, one map per rendered file (empty: the section is left out) */
    public StatusApi(ClusterView store, NodeSettings settings, NodeInfo info, Supplier<DiscoveryTracker.Status> disco,
                     Supplier<List<Map<String, Object>>> render) {
        this(store, settings, info, disco, render, Map::of);
    }

    /** @param formation how the node gets into its cluster ({@code io.raftlite.server.ClusterFormation#describe}) */
    public StatusApi(ClusterView store, NodeSettings settings, NodeInfo info, Supplier<DiscoveryTracker.Status> disco,
                     Supplier<List<Map<String, Object>>> render, Supplier<Map<String, Object>> formation) {
        this.formation = formation;
        this.store = store;
        this.settings = settings;
        this.info = info;
        this.disco = disco;
        this.render = render;
    }

    /** Extra top-level sections (rqlite's {@code RegisterStatus}), e.g. {@code auto_backups}, in key order. */
    private final Map<String, Supplier<?>> sections = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** Adds top-level key {@code key} (a section or a value) to {@code /status}; left out while it is null. */
    public void section(String key, Supplier<?> section) {
        sections.put(key, section);
    }

    public Reply status(Map<String, List<String>> query) {
        StoreStatus s = store.status();
        Map<String, Object> leader = new LinkedHashMap<>();
        leader.put("node_id", s.leaderId() == null ? "" : s.leaderId());
        leader.put("addr", s.leaderAddress() == null ? "" : s.leaderAddress());
        Map<String, Object> raft = new LinkedHashMap<>();
        // rqlite's read replica is a Follower there; raftlite's own "role" says Listener
        raft.put("state", "LISTENER".equals(s.role()) ? "Follower" : roleName(s.role()));
        raft.put("role", roleName(s.role()));
        raft.put("term", s.term());
        raft.put("commit_index", s.commitIndex());
        raft.put("applied_index", s.appliedIndex());
        raft.put("snapshot_index", s.snapshotIndex());
        raft.put("group_id", s.groupId());
        raft.put("cluster_name", settings.clusterName());
        Map<String, Object> storeMap = new LinkedHashMap<>();
        storeMap.put("node_id", info.nodeId());
        storeMap.put("addr", settings.raftAdvAddr().toString());
        storeMap.put("leader", leader);
        storeMap.put("ready", s.ready());
        storeMap.put("raft", raft);
        storeMap.put("fsm_index", s.appliedIndex());
        storeMap.put("db_size", s.dbSizeBytes());
        storeMap.put("dir", settings.dataDir().toAbsolutePath().toString());
        List<Object> configuration = new ArrayList<>();
        for (ClusterView.Member m : store.members(false)) {
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("id", m.id());
            member.put("addr", m.raftAddress());
            member.put("voter", m.voter());
            configuration.add(member);
        }
        storeMap.put("nodes", configuration);
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("id", info.nodeId());
        node.put("start_time", info.startedAt().toString());
        node.put("uptime", uptime());
        Map<String, Object> http = new LinkedHashMap<>();
        http.put("bind_addr", settings.httpAddr().toString());
        http.put("adv_addr", apiAddr());
        http.put("tls", tls());
        http.put("auth", settings.auth() == null ? "disabled" : "enabled");
        Map<String, Object> build = new LinkedHashMap<>();
        build.put("version", info.version());
        build.put("java", Runtime.version().toString());
        Map<String, Object> runtime = new LinkedHashMap<>();
        runtime.put("num_cpu", Runtime.getRuntime().availableProcessors());
        runtime.put("heap_used", Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
        runtime.put("heap_max", Runtime.getRuntime().maxMemory());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("build", build);
        root.put("http", http);
        root.put("node", node);
        root.put("runtime", runtime);
        root.put("store", storeMap);
        Map<String, Object> joining = formation.get();
        if (!joining.isEmpty()) {
            root.put("formation", joining);
        }
        DiscoveryTracker.Status d = disco.get();
        if (d != null) {
            root.put("disco", discoMap(d));
        }
        List<Map<String, Object>> rendered = render.get();
        if (!rendered.isEmpty()) {
            root.put("render", rendered);
        }
        sections.forEach((key, section) -> {
            Object value = section.get();
            if (value != null) {
                root.put(key, value);
            }
        });
        return json(root, query);
    }

    /** rqlite's {@code /nodes}: voters (and, with {@code nonvoters}, read replicas), each probed for reachability. */
    public Reply nodes(Map<String, List<String>> query) {
        boolean nonVoters = query.containsKey("nonvoters");
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (ClusterView.Member m : store.members(true)) {
            if (m.voter() || nonVoters) {
                nodes.add(node(m));
            }
        }
        nodes.sort(Comparator.comparing(n -> (String) n.get("id")));
        if ("2".equals(first(query, "ver"))) {
            return json(Map.of("nodes", nodes), query);
        }
        Map<String, Object> byId = new LinkedHashMap<>();
        nodes.forEach(n -> byId.put((String) n.get("id"), n));
        return json(byId, query);
    }

    public Reply leader(Map<String, List<String>> query) {
        return store.leader().map(m -> json(node(m), query)).orElseGet(() -> Reply.text(503, "leader not found"));
    }

    private Map<String, Object> node(ClusterView.Member m) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("id", m.id());
        node.put("api_addr", m.apiAddress());
        node.put("addr", m.raftAddress());
        node.put("version", m.version());
        node.put("voter", m.voter());
        node.put("reachable", m.reachable());
        node.put("leader", m.leader());
        if (m.time() != null && !m.time().isZero()) { // rqlite's omitempty
            node.put("time", m.time().toNanos() / 1e9);
            node.put("time_s", GoDuration.format(m.time()));
        }
        if (m.error() != null) {
            node.put("error", m.error());
        }
        return node;
    }

    /**
     * rqlite's readiness lines. With {@code -disco-mode} a last line tells whether the discovery store
     * answers; it never changes the status code, because a node in a cluster does not need the store.
     */
    public Reply readyz(Map<String, List<String>> query) {
        String discoLine = discoLine();
        if (query.containsKey("noleader")) {
            return Reply.plain(200, "[+]node ok" + discoLine);
        }
        StoreStatus s = store.status();
        if (s.leaderId() == null) {
            return Reply.plain(503, "[+]node ok\n[+]leader does not exist" + discoLine);
        }
        if (!isReady(s)) {
            return Reply.plain(503, "[+]node ok\n[+]leader ok\n[+]store not ready" + discoLine);
        }
        return Reply.plain(200, "[+]node ok\n[+]leader ok\n[+]store ok" + discoLine);
    }

    /** What {@code /readyz} answers 200 for (and systemd's READY=1 waits for): a leader is known and the store is ready. */
    public static boolean isReady(StoreStatus s) {
        return s.leaderId() != null && s.ready();
    }

    private String discoLine() {
        DiscoveryTracker.Status d = disco.get();
        if (d == null) {
            return "";
        }
        if (d.reachable()) {
            return "\n[+]disco ok (" + d.mode() + ")";
        }
        return "\n[-]disco " + d.mode() + " unreachable" + (d.lastError() == null ? "" : ": " + d.lastError())
                + " (not needed while the node is in a cluster)";
    }

    private static Map<String, Object> discoMap(DiscoveryTracker.Status d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", d.mode());
        m.put("key", d.key());
        m.put("state", d.state());
        m.put("reachable", d.reachable());
        m.put("last_contact", d.lastContact() == null ? "" : d.lastContact().toString());
        m.put("last_error", d.lastError() == null ? "" : d.lastError());
        m.put("last_error_time", d.lastErrorAt() == null ? "" : d.lastErrorAt().toString());
        ClusterRecord r = d.record();
        if (r != null) {
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("state", r.state().name().toLowerCase(java.util.Locale.ROOT));
            rec.put("cluster_id", r.clusterId() == null ? "" : r.clusterId());
            rec.put("leader", r.leader() == null ? "" : r.leader().id() == null ? r.leader().raftAddress() : r.leader().id());
            List<String> members = new ArrayList<>();
            for (Member x : r.members()) {
                members.add(x.id() == null ? x.raftAddress() : x.id() + "@" + x.raftAddress());
            }
            rec.put("members", members);
            rec.put("updated", r.updatedMillis() == 0 ? "" : Instant.ofEpochMilli(r.updatedMillis()).toString());
            m.put("record", rec);
        }
        return m;
    }

    private String apiAddr() {
        return settings.apiAddress();
    }

    /** rqlite's {@code http.tls}: whether the API speaks HTTPS, from which files (paths only), and mTLS. */
    private Map<String, Object> tls() {
        HttpTlsSettings t = settings.httpTls();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", t.enabled());
        if (t.enabled()) {
            m.put("cert_file", t.cert().toAbsolutePath().toString());
            m.put("key_file", t.key().toAbsolutePath().toString());
            m.put("ca_file", t.caCert() == null ? "" : t.caCert().toAbsolutePath().toString());
            m.put("client_auth", t.verifyClient());
        }
        return m;
    }

    private String uptime() {
        Duration d = Duration.between(info.startedAt(), Instant.now());
        return d.toSeconds() + "s";
    }

    private static String roleName(String role) {
        if (role == null || role.isEmpty()) {
            return "Unknown";
        }
        return role.charAt(0) + role.substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    private static String first(Map<String, List<String>> query, String key) {
        List<String> v = query.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static Reply json(Object value, Map<String, List<String>> query) {
        return Reply.json(Json.write(value, query.containsKey("pretty")).getBytes(StandardCharsets.UTF_8));
    }
}

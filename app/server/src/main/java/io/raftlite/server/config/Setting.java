package io.raftlite.server.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One setting: its property key, its rqlite-style flag, its default and what it does.
 * {@link #ALL} is the complete table.
 */
public record Setting(String key, String flag, String defaultValue, Kind kind, String description) {

    /** How a value is checked. */
    public enum Kind { TEXT, ADDRESS, OPTIONAL_ADDRESS, ADDRESS_LIST, COUNT, OPTIONAL_COUNT, SIZE, DURATION, NAME, BOOLEAN, LOG_LEVEL, LOG_LEVELS }

    public static final String NODE_ID = "raftlite.node.id";
    public static final String DATA_DIR = "raftlite.node.data-dir";
    public static final String HTTP_ADDR = "raftlite.http.addr";
    public static final String HTTP_ADV_ADDR = "raftlite.http.adv-addr";
    public static final String HTTP_MAX_BODY = "raftlite.http.max-body-size";
    public static final String HTTP_BODY_BUDGET = "raftlite.http.body-budget";
    public static final String HTTP_MAX_CONNECTIONS = "raftlite.http.max-connections";
    public static final String HTTP_IDLE_TIMEOUT = "raftlite.http.idle-timeout";
    public static final String HTTP_HEADER_TIMEOUT = "raftlite.http.header-timeout";
    public static final String HTTP_TLS_CERT = "raftlite.http.tls.cert";
    public static final String HTTP_TLS_KEY = "raftlite.http.tls.key";
    public static final String HTTP_TLS_CA_CERT = "raftlite.http.tls.ca-cert";
    public static final String HTTP_TLS_VERIFY_CLIENT = "raftlite.http.tls.verify-client";
    public static final String RAFT_ADDR = "raftlite.raft.addr";
    public static final String RAFT_ADV_ADDR = "raftlite.raft.adv-addr";
    public static final String RAFT_SNAPSHOT_THRESHOLD = "raftlite.raft.snapshot-threshold";
    public static final String RAFT_LOG_SEGMENT_SIZE = "raftlite.raft.log-segment-size";
    public static final String RAFT_APPLY_TIMEOUT = "raftlite.raft.apply-timeout";
    public static final String RAFT_NON_VOTER = "raftlite.raft.non-voter";
    public static final String RAFT_MAX_VOTERS = "raftlite.raft.max-voters";
    public static final String RAFT_REAP_NODE_TIMEOUT = "raftlite.raft.reap-node-timeout";
    public static final String RAFT_ELECTION_TIMEOUT = "raftlite.raft.election-timeout";
    public static final String RAFT_REAP_READ_ONLY_NODE_TIMEOUT = "raftlite.raft.reap-read-only-node-timeout";
    public static final String NODE_CERT = "raftlite.raft.tls.cert";
    public static final String NODE_KEY = "raftlite.raft.tls.key";
    public static final String NODE_CA_CERT = "raftlite.raft.tls.ca-cert";
    public static final String NODE_VERIFY_CLIENT = "raftlite.raft.tls.verify-client";
    public static final String NODE_VERIFY_SERVER_NAME = "raftlite.raft.tls.verify-server-name";
    public static final String NODE_NO_VERIFY = "raftlite.raft.tls.no-verify";
    public static final String RAFT_INSECURE = "raftlite.raft.insecure";
    public static final String CLUSTER_NAME = "raftlite.cluster.name";
    public static final String CLUSTER_JOIN = "raftlite.cluster.join";
    public static final String CLUSTER_JOIN_TIMEOUT = "raftlite.cluster.join-timeout";
    public static final String CLUSTER_BOOTSTRAP_EXPECT = "raftlite.cluster.bootstrap-expect";
    public static final String CLUSTER_BOOTSTRAP_EXPECT_TIMEOUT = "raftlite.cluster.bootstrap-expect-timeout";
    public static final String DISCO_MODE = "raftlite.discovery.mode";
    public static final String DISCO_KEY = "raftlite.discovery.key";
    public static final String DISCO_CONFIG = "raftlite.discovery.config";
    public static final String DISCO_CLAIM_TTL = "raftlite.discovery.claim-ttl";
    public static final String DISCO_REPORT_INTERVAL = "raftlite.discovery.report-interval";
    public static final String DISCO_RESET = "raftlite.discovery.reset";
    public static final String DISCO_CONSUL_REGISTER = "raftlite.discovery.consul-register";
    public static final String DB_READ_CONNECTIONS = "raftlite.storage.read-connections";
    public static final String DB_MAX_STATEMENT_STEPS = "raftlite.storage.max-statement-steps";
    public static final String DB_MAX_VALUE_SIZE = "raftlite.storage.max-value-size";
    public static final String DB_MAX_SIZE = "raftlite.storage.max-size";
    public static final String DB_TIMEOUT = "raftlite.storage.read.db-timeout";
    public static final String DB_TIMEOUT_MAX = "raftlite.storage.read.db-timeout-max";
    public static final String DB_READ_WAIT = "raftlite.storage.read.wait";
    public static final String DB_READ_MAX_RESULT = "raftlite.storage.read.max-result-size";
    public static final String DB_READ_MAX_IN_FLIGHT = "raftlite.storage.read.max-in-flight";
    public static final String QUEUE_CAPACITY = "raftlite.storage.write-queue.capacity";
    public static final String QUEUE_BATCH_SIZE = "raftlite.storage.write-queue.batch-size";
    public static final String QUEUE_TIMEOUT = "raftlite.storage.write-queue.timeout";
    public static final String LOG_LEVEL = "raftlite.logging.level";
    public static final String LOG_LEVELS = "raftlite.logging.levels";
    public static final String METRICS_ENABLED = "raftlite.metrics.enabled";
    public static final String HTTP_AUTH = "raftlite.http.auth";
    public static final String WATCH_MAX_WATCHERS = "raftlite.watch.max-watchers";
    public static final String RENDER = "raftlite.render";
    // issue 17, rqlite's operator flags
    public static final String RAFT_CLUSTER_REMOVE_SHUTDOWN = "raftlite.maintenance.cluster-remove-shutdown";
    public static final String AUTO_BACKUP = "raftlite.maintenance.auto-backup";
    // issue 17, recovery from permanent quorum loss
    public static final String RAFT_RECOVER = "raftlite.maintenance.recover";

    public static final List<Setting> ALL = List.of(
            new Setting(NODE_ID, "node-id", "", Kind.TEXT,
                    "unique node id, persisted on first start (default: the advertised Raft address)"),
            new Setting(DATA_DIR, null, "raftlite-data", Kind.TEXT,
                    "data directory (the positional argument); holds the Raft log, snapshots and db.sqlite"),
            new Setting(HTTP_ADDR, "http-addr", "127.0.0.1:4001", Kind.ADDRESS,
                    "host:port the HTTP API listens on"),
            new Setting(HTTP_ADV_ADDR, "http-adv-addr", "", Kind.OPTIONAL_ADDRESS,
                    "host:port other nodes and clients reach the HTTP API at (default: http-addr)"),
            new Setting(HTTP_MAX_BODY, "http-max-body-size", "2MiB", Kind.SIZE,
                    "largest request body accepted; larger bodies get 413. One write is one Raft log entry (every Raft"
                            + " size limit is derived from this), held several times in the heap on its way; same on"
                            + " every node"),
            new Setting(HTTP_BODY_BUDGET, "http-body-budget", "4MiB", Kind.SIZE,
                    "request bodies in flight on all connections together (a body without Content-Length counts"
                            + " as http-max-body-size); a body that does not fit gets 503 with Retry-After. At least"
                            + " http-max-body-size. Bounds the heap and direct memory bodies take"),
            new Setting(HTTP_MAX_CONNECTIONS, "http-max-conns", "0", Kind.OPTIONAL_COUNT,
                    "most open HTTP connections; past it new connections wait in the listen backlog (0: half of the"
                            + " open-file limit minus 256 for the node's own files and Raft sockets, at most 4096)"),
            new Setting(HTTP_IDLE_TIMEOUT, "http-idle-timeout", "60s", Kind.DURATION,
                    "a kept-alive HTTP connection with no request for this long is closed, and so is one whose request body"
                            + " stalls this long; a request the node is still serving is never cut"),
            new Setting(HTTP_HEADER_TIMEOUT, "http-header-timeout", "10s", Kind.DURATION,
                    "a request's line and headers must arrive within this long of its first byte (or of the"
                            + " connection opening); slower connections are closed"),
            new Setting(HTTP_TLS_CERT, "http-cert", "", Kind.TEXT,
                    "PEM certificate (chain) of the HTTP API; with it the API speaks only HTTPS (TLS 1.2+) on"
                            + " -http-addr. Re-read when the file changes, without a restart (empty: plain HTTP)"),
            new Setting(HTTP_TLS_KEY, "http-key", "", Kind.TEXT,
                    "PEM private key of -http-cert (unencrypted; refused when group or others may read it, as ssh"
                            + " does); needed with -http-cert"),
            new Setting(HTTP_TLS_CA_CERT, "http-ca-cert", "", Kind.TEXT,
                    "PEM CA bundle client certificates must chain to with -http-verify-client; re-read when it changes"),
            new Setting(HTTP_TLS_VERIFY_CLIENT, "http-verify-client", "false", Kind.BOOLEAN,
                    "require a client certificate signed by -http-ca-cert (mutual TLS). Off as in rqlite: clients"
                            + " are then not asked for one (authenticate them with -auth)"),
            new Setting(RAFT_ADDR, "raft-addr", "127.0.0.1:4002", Kind.ADDRESS,
                    "host:port Raft (Ratis gRPC) listens on"),
            new Setting(RAFT_ADV_ADDR, "raft-adv-addr", "", Kind.OPTIONAL_ADDRESS,
                    "host:port other nodes reach Raft at (default: raft-addr)"),
            new Setting(RAFT_SNAPSHOT_THRESHOLD, "raft-snap", "8192", Kind.COUNT,
                    "take a snapshot after this many log entries"),
            new Setting(RAFT_LOG_SEGMENT_SIZE, "raft-log-segment-size", "4MiB", Kind.SIZE,
                    "Raft log segment size; the log is purged behind snapshots a segment at a time"),
            new Setting(RAFT_APPLY_TIMEOUT, "raft-apply-timeout", "10s", Kind.DURATION,
                    "how long a write may wait to be committed and applied"),
            new Setting(RAFT_NON_VOTER, "raft-non-voter", "false", Kind.BOOLEAN,
                    "join as a read replica (Ratis listener): receives the whole log, never votes"),
            new Setting(RAFT_MAX_VOTERS, "raft-max-voters", "5", Kind.COUNT,
                    "most voters (odd); other nodes are listeners, promoted when a voter leaves"),
            new Setting(RAFT_ELECTION_TIMEOUT, "raft-election-timeout", "1s", Kind.DURATION,
                    "a follower that hears no leader for between this and twice this starts an election; a leader"
                            + " that hears from no majority for twice this steps down. Same on every node"),
            new Setting(RAFT_REAP_NODE_TIMEOUT, "raft-reap-node-timeout", "0s", Kind.DURATION,
                    "the leader removes a voter unreachable this long (0s: never)"),
            new Setting(RAFT_REAP_READ_ONLY_NODE_TIMEOUT, "raft-reap-read-only-node-timeout", "0s", Kind.DURATION,
                    "the leader removes a read replica unreachable this long (0s: never)"),
            new Setting(NODE_CERT, "node-cert", "", Kind.TEXT,
                    "PEM certificate (chain) of this node for TLS on the Raft port, served to peers and presented to"
                            + " them as a client; with -node-key and -node-ca-cert. Re-read when the file changes."
                            + " Every node of a cluster uses TLS or none does (empty: no TLS)"),
            new Setting(NODE_KEY, "node-key", "", Kind.TEXT,
                    "PEM private key of -node-cert; refused when readable by group or others (chmod 600)"),
            new Setting(NODE_CA_CERT, "node-ca-cert", "", Kind.TEXT,
                    "PEM CA bundle the other nodes' certificates must chain to (re-read when it changes); needed"
                            + " with -node-cert unless -node-no-verify"),
            new Setting(NODE_VERIFY_CLIENT, "node-verify-client", "true", Kind.BOOLEAN,
                    "mutual TLS: a caller of the Raft port without a certificate signed by -node-ca-cert is refused"
                            + " at the handshake (on, unlike rqlite: the Raft port is also Ratis' admin port)"),
            new Setting(NODE_VERIFY_SERVER_NAME, "node-verify-server-name", "", Kind.TEXT,
                    "name (DNS or IP SAN) every node's certificate must carry, so one certificate can serve all"
                            + " nodes (empty: the host dialed must be in the certificate, as rqlite checks it)"),
            new Setting(NODE_NO_VERIFY, "node-no-verify", "false", Kind.BOOLEAN,
                    "INSECURE: accept any certificate from other nodes and callers (encryption without"
                            + " authentication); logs a warning at start"),
            new Setting(RAFT_INSECURE, "raft-insecure", "false", Kind.BOOLEAN,
                    "allow a Raft address that is not loopback without -node-cert: without it such a node refuses"
                            + " to start, since anyone who reaches a plaintext Raft port owns the cluster"),
            new Setting(CLUSTER_NAME, "cluster-name", "raftlite", Kind.NAME,
                    "cluster name; the Raft group id is derived from it, so all nodes must agree"),
            new Setting(CLUSTER_JOIN, "join", "", Kind.ADDRESS_LIST,
                    "Raft addresses (host:port,...) of existing nodes to join through; ignored once the node has Raft state"),
            new Setting(CLUSTER_JOIN_TIMEOUT, "join-timeout", "60s", Kind.DURATION,
                    "give up joining (exit 1) when no listed node has accepted the join within this time"),
            new Setting(CLUSTER_BOOTSTRAP_EXPECT, "bootstrap-expect", "0", Kind.OPTIONAL_COUNT,
                    "form a cluster once this many nodes listed in -join (all of them, self included) are up;"
                            + " an existing cluster is joined instead; 0: off"),
            new Setting(CLUSTER_BOOTSTRAP_EXPECT_TIMEOUT, "bootstrap-expect-timeout", "120s", Kind.DURATION,
                    "give up (exit 1) when -bootstrap-expect has neither formed nor joined a cluster within this time"),
            new Setting(DISCO_MODE, "disco-mode", "", Kind.TEXT,
                    "form or join the cluster through a discovery store: consul-kv, etcd-kv, dns or dns-srv (empty: off)"),
            new Setting(DISCO_KEY, "disco-key", "raftlite", Kind.TEXT,
                    "the key the cluster's record lives under; one discovery store can hold many clusters"),
            new Setting(DISCO_CONFIG, "disco-config", "", Kind.TEXT,
                    "the discovery mode's settings: a JSON object, or the path of a JSON file ($VAR expanded)"),
            new Setting(DISCO_CLAIM_TTL, "disco-claim-ttl", "10s", Kind.DURATION,
                    "a claim to form the cluster expires this long after its holder stops renewing it (Consul: 10s at least)"),
            new Setting(DISCO_REPORT_INTERVAL, "disco-report-interval", "10s", Kind.DURATION,
                    "the leader rewrites the cluster's record this often (and at once on a leadership or membership change)"),
            new Setting(DISCO_RESET, "disco-reset", "false", Kind.BOOLEAN,
                    "delete the record under -disco-key and exit, for a cluster that was wiped on purpose;"
                            + " refused while a recorded member answers"),
            new Setting(DISCO_CONSUL_REGISTER, "disco-consul-register", "true", Kind.BOOLEAN,
                    "in consul-kv mode, also register this node in Consul's catalog (service raftlite, the node id as"
                            + " service id, an HTTP check on /readyz)"),
            new Setting(DB_READ_CONNECTIONS, "db-read-conns", "8", Kind.COUNT,
                    "read-only SQLite connections serving queries concurrently"),
            new Setting(DB_MAX_STATEMENT_STEPS, "db-max-statement-steps", "100000000", Kind.COUNT,
                    "SQLite VM steps one statement of a write or strong read may take (0.6-1.2 s of one core), counted alike"
                            + " on every replica: beyond it the statement fails, never a node. Same on every node"),
            new Setting(DB_MAX_VALUE_SIZE, "db-max-value-size", "1MiB", Kind.SIZE,
                    "largest string, blob or row a write may make (SQLITE_LIMIT_LENGTH), and largest statement text;"
                            + " as large as a read may return (-db-read-max-result / 8), so what is written can be read,"
                            + " and no write can exhaust the heap. Same on every node"),
            new Setting(DB_MAX_SIZE, "db-max-size", "2GiB", Kind.SIZE,
                    "database size quota (PRAGMA max_page_count): a write that would grow past it fails, deletes still"
                            + " work (etcd's default quota; 0: none). Same on every node; keep 64MiB+ free on the disk"),
            new Setting(DB_TIMEOUT, "db-timeout", "10s", Kind.DURATION,
                    "db_timeout of a read that gives none (rqlite has no default, so an endless query would hold"
                            + " a read connection for ever); the statement gets 'query timeout'"),
            new Setting(DB_TIMEOUT_MAX, "db-timeout-max", "60s", Kind.DURATION,
                    "a larger db_timeout asked by a client is lowered to this, so every read connection frees up"),
            new Setting(DB_READ_WAIT, "db-read-wait", "2s", Kind.DURATION,
                    "how long a read waits for a free read connection before 503 with Retry-After"),
            new Setting(DB_READ_MAX_RESULT, "db-read-max-result", "8MiB", Kind.SIZE,
                    "heap one read request's results may take, held and rendered (about 8 bytes per blob byte, 6 per"
                            + " text character); more is the statement's error 'query result too large', a single value"
                            + " over an eighth of it 'string or blob too big', so memory never depends on the request"),
            new Setting(DB_READ_MAX_IN_FLIGHT, "db-read-max-in-flight", "16MiB", Kind.SIZE,
                    "result bytes all reads of this node may hold at once; a read beyond it gets 503 with Retry-After"
                            + " (sized for the shipped -Xmx64m)"),
            new Setting(QUEUE_CAPACITY, "write-queue-capacity", "1024", Kind.COUNT,
                    "queued-write (?queue) capacity in requests; a full queue makes writers wait"),
            new Setting(QUEUE_BATCH_SIZE, "write-queue-batch-size", "128", Kind.COUNT,
                    "queued writes are flushed as one log entry once this many statements wait"),
            new Setting(QUEUE_TIMEOUT, "write-queue-timeout", "50ms", Kind.DURATION,
                    "queued writes are flushed at the latest this long after the first one arrives"),
            new Setting(LOG_LEVEL, "log-level", "INFO", Kind.LOG_LEVEL,
                    "level of raftlite's own log lines (io.raftlite): ERROR, WARN, INFO, DEBUG or TRACE"),
            new Setting(LOG_LEVELS, "log-levels", "org.apache.ratis=WARN,io.micronaut=WARN,io.netty=WARN",
                    Kind.LOG_LEVELS, "levels per package (package=LEVEL, comma separated), applied over the default list, e.g. org.apache.ratis=INFO"),
            new Setting(METRICS_ENABLED, "metrics", "true", Kind.BOOLEAN,
                    "serve Prometheus metrics at /metrics (Raft, HTTP, discovery, JVM and process)"),
            new Setting(HTTP_AUTH, "auth", "", Kind.TEXT,
                    "rqlite's auth file (JSON users, passwords or bcrypt hashes, permissions) for HTTP Basic"
                            + " authentication; read at start (empty: off, every request allowed, as rqlite without"
                            + " -auth; see docs/security.md)"),
            new Setting(WATCH_MAX_WATCHERS, "watch-max-watchers", "1024", Kind.COUNT,
                    "GET /db/watch requests this node holds at once (each costs a connection, ~7 KB of memory measured, no"
                            + " thread); one more gets 503 with Retry-After (see docs/watch.md)"),
            new Setting(RENDER, "render", "", Kind.TEXT,
                    "files rendered from templates that query this node (issue 15, see docs/render.md): in the config"
                            + " file a YAML list, on the command line a JSON list or the path of a YAML file holding"
                            + " one (empty: none)"),
            new Setting(RAFT_CLUSTER_REMOVE_SHUTDOWN, "raft-cluster-remove-shutdown", "false", Kind.BOOLEAN,
                    "on a graceful stop (SIGTERM) remove this node from the cluster through the leader first (5"
                            + " attempts, 250 ms apart, 5 s each, 10 s in all, as rqlite); the last voter stays. Off as in rqlite:"
                            + " a node that stops for a restart should keep its place"),
            new Setting(AUTO_BACKUP, "auto-backup", "", Kind.TEXT,
                    "rqlite's auto-backup JSON file: the leader writes a backup every interval, skipped when"
                            + " unchanged; type file only (s3 and gcs are refused; see docs/operations.md). Empty: off"),
            new Setting(RAFT_RECOVER, "raft-recover", "false", Kind.BOOLEAN,
                    "recover from permanent quorum loss (rqlite's peers.json): a node with Raft state becomes a"
                            + " single-node cluster with all of its data, refused while a majority of its voters still"
                            + " answers; the old state is kept in raft/<group>.recovered-<time>. Off: only for an"
                            + " operator who knows the other voters are gone for good (see docs/operations.md)"));

    /** The environment variable that sets this setting: {@code raftlite.http.addr} → {@code RAFTLITE_HTTP_ADDR}. */
    public String envName() {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public static Optional<Setting> byKey(String key) {
        return ALL.stream().filter(s -> s.key.equals(key)).findFirst();
    }

    public static Optional<Setting> byFlag(String flag) {
        return ALL.stream().filter(s -> flag.equals(s.flag)).findFirst();
    }
}

package io.raftlite.server.config;

import io.raftlite.core.api.GoDuration;
import io.raftlite.core.auth.CredentialStore;
import io.raftlite.core.db.ReadLimits;
import io.raftlite.core.db.WriteLimits;
import io.raftlite.core.json.Json;
import io.raftlite.core.store.TlsConfig;
import io.raftlite.discovery.DiscoveryClientProvider;
import io.raftlite.discovery.DiscoveryClients;
import io.raftlite.discovery.DiscoveryConfig;
import io.raftlite.server.render.RenderSpec;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns command-line arguments, environment and an optional YAML file into {@link NodeSettings}. */
public final class SettingsResolver {

    /** What the command line asks for. */
    public sealed interface Outcome permits Help, Version, Run {
    }

    public record Help() implements Outcome {
    }

    public record Version() implements Outcome {
    }

    public record Run(NodeSettings settings, Map<String, String> values) implements Outcome {
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private SettingsResolver() {
    }

    public static Outcome resolve(String[] args, Map<String, String> env) throws UsageException {
        Map<String, String> flags = new LinkedHashMap<>();
        String configFile = null;
        String dataDir = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-") || arg.equals("-")) {
                if (dataDir != null) {
                    throw new UsageException("unexpected argument '" + arg + "': only one data directory may be given");
                }
                dataDir = arg;
                continue;
            }
            String name = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            switch (name) {
                case "h", "help" -> {
                    return new Help();
                }
                case "version" -> {
                    return new Version();
                }
                default -> {
                }
            }
            if (!name.equals("config") && Setting.byFlag(name).isEmpty()) {
                throw new UsageException("unknown flag -" + name + " (see -h)");
            }
            boolean isBoolean = Setting.byFlag(name).map(x -> x.kind() == Setting.Kind.BOOLEAN).orElse(false);
            if (value == null && isBoolean) {
                value = "true"; // Go-style boolean flag: -raft-non-voter or -raft-non-voter=false
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException("flag -" + name + " needs a value");
                }
                value = args[++i];
            }
            if (name.equals("config")) {
                configFile = value;
            } else {
                flags.put(Setting.byFlag(name).orElseThrow().key(), value);
            }
        }
        if (dataDir != null) {
            flags.put(Setting.DATA_DIR, dataDir);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Setting s : Setting.ALL) {
            values.put(s.key(), s.defaultValue());
        }
        if (configFile != null) {
            values.putAll(readYaml(Path.of(configFile)));
        }
        for (Setting s : Setting.ALL) {
            String fromEnv = env.get(s.envName());
            if (fromEnv != null) {
                values.put(s.key(), fromEnv);
            }
        }
        values.putAll(flags);
        return new Run(validate(values), values);
    }

    static Map<String, String> readYaml(Path file) throws UsageException {
        Object root;
        try (Reader reader = Files.newBufferedReader(file)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (IOException e) {
            throw new UsageException("cannot read config file " + file + ": " + e.getMessage());
        } catch (YAMLException e) {
            throw new UsageException("config file " + file + " is not valid YAML: "
                    + e.getMessage().replace('\n', ' '));
        }
        Map<String, String> flat = new LinkedHashMap<>();
        if (root == null) {
            return flat;
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new UsageException("config file " + file + " must hold a mapping of settings");
        }
        flatten("", map, flat);
        for (String key : flat.keySet()) {
            if (Setting.byKey(key).isEmpty()) {
                throw new UsageException("config file " + file + ": unknown setting '" + key + "'");
            }
        }
        return flat;
    }

    /**
     * Nested keys become dotted ones. Two settings also take YAML's own structures: {@code discovery.config}
     * a mapping (written as the JSON object the mode reads) and {@code cluster.join} a list of addresses.
     */
    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object value = e.getValue();
            if (value instanceof Map<?, ?> child && key.equals(Setting.DISCO_CONFIG)) {
                out.put(key, Json.write(jsonValue(child), false));
            } else if (value instanceof Map<?, ?> child) {
                flatten(key + ".", child, out);
            } else if (value instanceof List<?> list && key.equals(Setting.RENDER)) {
                out.put(key, Json.write(jsonValue(list), false));
            } else if (value instanceof List<?> list && key.equals(Setting.CLUSTER_JOIN)) {
                out.put(key, String.join(",", list.stream().map(String::valueOf).toList()));
            } else {
                out.put(key, value == null ? "" : String.valueOf(value));
            }
        }
    }

    /** A YAML value as JSON can hold it: string keys, and anything but a number or boolean as a string. */
    private static Object jsonValue(Object yaml) {
        if (yaml instanceof Map<?, ?> m) {
            Map<String, Object> json = new LinkedHashMap<>();
            m.forEach((k, v) -> json.put(String.valueOf(k), jsonValue(v)));
            return json;
        }
        if (yaml instanceof List<?> l) {
            return l.stream().map(SettingsResolver::jsonValue).toList();
        }
        return yaml == null || yaml instanceof Number || yaml instanceof Boolean ? yaml : String.valueOf(yaml);
    }

    private static NodeSettings validate(Map<String, String> v) throws UsageException {
        HostPort httpAddr = address(v, Setting.HTTP_ADDR);
        HostPort raftAddr = address(v, Setting.RAFT_ADDR);
        HostPort httpAdv = advertised(v, Setting.HTTP_ADV_ADDR, httpAddr);
        HostPort raftAdv = advertised(v, Setting.RAFT_ADV_ADDR, raftAddr);
        if (httpAddr.equals(raftAddr)) {
            throw new UsageException("-http-addr and -raft-addr must differ (both are " + httpAddr + ")");
        }
        String dataDir = v.get(Setting.DATA_DIR).trim();
        if (dataDir.isEmpty()) {
            throw new UsageException("the data directory must not be empty");
        }
        String cluster = v.get(Setting.CLUSTER_NAME).trim();
        if (!NAME.matcher(cluster).matches()) {
            throw new UsageException(flagOf(Setting.CLUSTER_NAME) + ": '" + cluster
                    + "' is not a valid cluster name (1-64 of letters, digits, . _ -)");
        }
        String nodeId = v.get(Setting.NODE_ID).trim();
        boolean nonVoter = bool(v, Setting.RAFT_NON_VOTER);
        List<HostPort> join = addressList(v, Setting.CLUSTER_JOIN);
        DiscoverySettings discovery = discovery(v);
        if (discovery != null && !join.isEmpty()) {
            throw new UsageException("-disco-mode and -join are alternatives: give the discovery store or the Raft"
                    + " addresses to join through, not both");
        }
        if (nonVoter && join.isEmpty() && discovery == null
                && !io.raftlite.core.store.RaftStore.hasState(Path.of(dataDir), cluster)) {
            // rqlite refuses this only for a node without state: a restarted read replica recovers from its log
            throw new UsageException("-raft-non-voter needs -join or -disco-mode: a read replica cannot start a"
                    + " cluster on its own");
        }
        int bootstrapExpect = (int) countOrZero(v, Setting.CLUSTER_BOOTSTRAP_EXPECT);
        if (bootstrapExpect > 0 && nonVoter) {
            throw new UsageException("-bootstrap-expect cannot be used with -raft-non-voter: a read replica never"
                    + " forms a cluster (start it with -join only)");
        }
        boolean addressList = discovery != null && discovery.mode().startsWith("dns");
        if (discovery != null && !discovery.reset() && addressList != bootstrapExpect > 0) {
            throw new UsageException(addressList
                    ? "-disco-mode " + discovery.mode() + " needs -bootstrap-expect N: DNS has no check-and-set, so"
                            + " nodes form the cluster once N addresses resolve"
                    : "-bootstrap-expect is not used with -disco-mode " + discovery.mode() + ": the node that wins the"
                            + " store's check-and-set forms the cluster and the others join it");
        }
        if (addressList && nonVoter) {
            throw new UsageException("-raft-non-voter cannot be used with -disco-mode " + discovery.mode()
                    + ": DNS nodes form the cluster together");
        }
        if (bootstrapExpect > 0 && join.isEmpty() && discovery == null) {
            throw new UsageException("-bootstrap-expect needs -join listing the Raft addresses of all "
                    + bootstrapExpect + " nodes");
        }
        long maxVoters = count(v, Setting.RAFT_MAX_VOTERS);
        long maxBody = size(v, Setting.HTTP_MAX_BODY, Integer.MAX_VALUE - 16);
        if (maxVoters % 2 == 0) {
            throw new UsageException(flagOf(Setting.RAFT_MAX_VOTERS) + ": " + maxVoters
                    + " is even; use an odd number (an even count of voters tolerates no more failures than one fewer)");
        }
        return new NodeSettings(nodeId.isEmpty() ? null : nodeId, Path.of(dataDir), httpAddr, httpAdv,
                maxBody, raftAddr, raftAdv,
                count(v, Setting.RAFT_SNAPSHOT_THRESHOLD), size(v, Setting.RAFT_LOG_SEGMENT_SIZE, 1L << 30),
                duration(v, Setting.RAFT_APPLY_TIMEOUT), cluster, (int) count(v, Setting.DB_READ_CONNECTIONS),
                (int) count(v, Setting.QUEUE_CAPACITY), (int) count(v, Setting.QUEUE_BATCH_SIZE),
                duration(v, Setting.QUEUE_TIMEOUT), nonVoter, join, duration(v, Setting.CLUSTER_JOIN_TIMEOUT),
                bootstrapExpect, duration(v, Setting.CLUSTER_BOOTSTRAP_EXPECT_TIMEOUT),
                (int) maxVoters, durationOrZero(v, Setting.RAFT_REAP_NODE_TIMEOUT),
                durationOrZero(v, Setting.RAFT_REAP_READ_ONLY_NODE_TIMEOUT), electionTimeout(v), discovery,
                new OpsSettings(logLevel(v.get(Setting.LOG_LEVEL), flagOf(Setting.LOG_LEVEL)), logLevels(v),
                        bool(v, Setting.METRICS_ENABLED)), writeLimits(v), readLimits(v), httpLimits(v, maxBody),
                HttpTlsSettings.of(v), auth(v), raftTls(v, raftAddr, raftAdv),
                (int) Math.min(count(v, Setting.WATCH_MAX_WATCHERS), 1_000_000), render(v),
                bool(v, Setting.RAFT_CLUSTER_REMOVE_SHUTDOWN), autoBackup(v),
                bool(v, Setting.RAFT_RECOVER));
    }

    /** The {@code -auto-backup} file (rqlite's JSON, {@code $VAR} expanded), or null when not set. */
    static io.raftlite.server.backup.AutoBackupConfig autoBackup(Map<String, String> v) throws UsageException {
        String file = v.getOrDefault(Setting.AUTO_BACKUP, "").trim();
        if (file.isEmpty()) {
            return null;
        }
        try {
            return io.raftlite.server.backup.AutoBackupConfig.parse(Files.readString(Path.of(file)), System::getenv);
        } catch (IOException e) {
            throw new UsageException(flagOf(Setting.AUTO_BACKUP) + ": cannot read " + file + " (" + e + ")");
        } catch (IllegalArgumentException e) {
            throw new UsageException(flagOf(Setting.AUTO_BACKUP) + ": " + file + ": " + e.getMessage());
        }
    }

    /**
     * The {@code render} list (issue 15): JSON (from the config file's YAML list, or a flag), or the path of a
     * YAML file holding the list, or a raftlite.yml whose {@code raftlite.render} holds it.
     */
    public static List<RenderSpec> render(Map<String, String> v) throws UsageException {
        String text = v.getOrDefault(Setting.RENDER, "").trim();
        if (text.isEmpty()) {
            return List.of();
        }
        Object list;
        try {
            Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
            list = text.startsWith("[") ? yaml.load(text) : yaml.load(Files.readString(Path.of(text)));
            if (list instanceof Map<?, ?> m && m.get("raftlite") instanceof Map<?, ?> r) {
                list = r.get("render");
            } else if (list instanceof Map<?, ?> m) {
                list = m.get("render");
            }
            return RenderSpec.parseAll(list);
        } catch (IOException e) {
            throw new UsageException(flagOf(Setting.RENDER) + ": cannot read " + text + ": " + e.getMessage());
        } catch (YAMLException | IllegalArgumentException e) {
            throw new UsageException(flagOf(Setting.RENDER) + ": " + e.getMessage().replace('\n', ' '));
        }
    }

    /** The {@code -auth} file's users, or null when it is not set; a file that cannot be used stops the start. */
    private static CredentialStore auth(Map<String, String> v) throws UsageException {
        String file = v.get(Setting.HTTP_AUTH).trim();
        if (file.isEmpty()) {
            return null;
        }
        try {
            return CredentialStore.load(Path.of(file));
        } catch (IllegalArgumentException e) {
            throw new UsageException(flagOf(Setting.HTTP_AUTH) + ": " + e.getMessage());
        }
    }

    /**
     * The {@code -node-*} flags (rqlite's), or null for a plaintext Raft port, which only a loopback Raft address
     * gets without {@code -raft-insecure}: anyone who reaches a plaintext Raft port can read, write and
     * reconfigure the cluster through Ratis' own client.
     */
    static TlsConfig raftTls(Map<String, String> v, HostPort bind, HostPort advertised) throws UsageException {
        String cert = v.get(Setting.NODE_CERT).trim();
        String key = v.get(Setting.NODE_KEY).trim();
        String ca = v.get(Setting.NODE_CA_CERT).trim();
        String serverName = v.get(Setting.NODE_VERIFY_SERVER_NAME).trim();
        boolean noVerify = bool(v, Setting.NODE_NO_VERIFY);
        boolean verifyClient = bool(v, Setting.NODE_VERIFY_CLIENT);
        if (cert.isEmpty() != key.isEmpty()) {
            throw new UsageException("-node-cert and -node-key go together: give both, or neither for no TLS on the"
                    + " Raft port");
        }
        if (cert.isEmpty()) {
            if (!ca.isEmpty() || !serverName.isEmpty() || noVerify) {
                throw new UsageException((ca.isEmpty() ? serverName.isEmpty() ? "-node-no-verify" : "-node-verify-server-name"
                        : "-node-ca-cert") + " needs -node-cert and -node-key");
            }
            HostPort routable = !bind.isLoopback() ? bind : !advertised.isLoopback() ? advertised : null;
            if (routable != null && !bool(v, Setting.RAFT_INSECURE)) {
                throw new UsageException("refusing to serve Raft without TLS on " + routable + ", which is not a"
                        + " loopback address: give -node-cert, -node-key and -node-ca-cert, or -raft-insecure to run"
                        + " it in plaintext anyway");
            }
            return null;
        }
        if (ca.isEmpty() && !noVerify) {
            throw new UsageException("-node-cert needs -node-ca-cert (the CA other nodes' certificates must chain to),"
                    + " or -node-no-verify to accept any certificate (insecure)");
        }
        return new TlsConfig(Path.of(cert), Path.of(key), ca.isEmpty() ? null : Path.of(ca), verifyClient,
                serverName, noVerify);
    }

    private static WriteLimits writeLimits(Map<String, String> v) throws UsageException {
        long valueBytes = size(v, Setting.DB_MAX_VALUE_SIZE, Integer.MAX_VALUE);
        if (valueBytes < 1024) {
            throw new UsageException(flagOf(Setting.DB_MAX_VALUE_SIZE) + ": " + valueBytes + " is too small (at least 1KiB)");
        }
        long maxSize = v.get(Setting.DB_MAX_SIZE).trim().equals("0") ? 0 : size(v, Setting.DB_MAX_SIZE, Long.MAX_VALUE);
        return new WriteLimits(count(v, Setting.DB_MAX_STATEMENT_STEPS), (int) valueBytes, maxSize);
    }

    private static ReadLimits readLimits(Map<String, String> v) throws UsageException {
        Duration timeout = duration(v, Setting.DB_TIMEOUT);
        Duration max = duration(v, Setting.DB_TIMEOUT_MAX);
        if (max.compareTo(timeout) < 0) {
            throw new UsageException(flagOf(Setting.DB_TIMEOUT_MAX) + " must be at least " + flagOf(Setting.DB_TIMEOUT));
        }
        long result = size(v, Setting.DB_READ_MAX_RESULT, 1_000_000_000L);
        long inFlight = size(v, Setting.DB_READ_MAX_IN_FLIGHT, Long.MAX_VALUE / 2);
        if (result < 1024 || inFlight < result) {
            throw new UsageException(flagOf(Setting.DB_READ_MAX_RESULT) + " must be at least 1KiB and at most "
                    + flagOf(Setting.DB_READ_MAX_IN_FLIGHT));
        }
        return new ReadLimits(timeout, max, duration(v, Setting.DB_READ_WAIT), result, inFlight);
    }

    private static HttpLimits httpLimits(Map<String, String> v, long maxBody) throws UsageException {
        long budget = size(v, Setting.HTTP_BODY_BUDGET, Long.MAX_VALUE / 2);
        if (budget < maxBody) {
            throw new UsageException(flagOf(Setting.HTTP_BODY_BUDGET) + ": " + v.get(Setting.HTTP_BODY_BUDGET).trim()
                    + " is less than " + flagOf(Setting.HTTP_MAX_BODY) + " " + v.get(Setting.HTTP_MAX_BODY).trim()
                    + ": a body of the largest size must fit");
        }
        return new HttpLimits(budget, (int) countOrZero(v, Setting.HTTP_MAX_CONNECTIONS),
                duration(v, Setting.HTTP_IDLE_TIMEOUT), duration(v, Setting.HTTP_HEADER_TIMEOUT));
    }

    private static Duration electionTimeout(Map<String, String> v) throws UsageException {
        Duration d = duration(v, Setting.RAFT_ELECTION_TIMEOUT);
        if (d.toMillis() < 50) {
            throw new UsageException(flagOf(Setting.RAFT_ELECTION_TIMEOUT) + ": " + v.get(Setting.RAFT_ELECTION_TIMEOUT).trim()
                    + " is too short (at least 50ms; the default is 1s)");
        }
        return d;
    }

    private static final List<String> LEVELS = List.of("OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE");

    private static String logLevel(String raw, String where) throws UsageException {
        String level = raw.trim().toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            throw new UsageException(where + ": '" + raw.trim() + "' is not a log level (one of " + LEVELS + ")");
        }
        return level;
    }

    /**
     * {@code org.apache.ratis=WARN,io.netty=ERROR}: logger name to level, in order. The value is applied over the
     * default list, so {@code -log-levels io.raftlite.core.store=DEBUG} leaves Ratis at WARN.
     */
    private static Map<String, String> logLevels(Map<String, String> v) throws UsageException {
        Map<String, String> levels = new LinkedHashMap<>();
        String flag = flagOf(Setting.LOG_LEVELS);
        String defaults = Setting.byKey(Setting.LOG_LEVELS).orElseThrow().defaultValue();
        for (String item : (defaults + "," + v.get(Setting.LOG_LEVELS)).split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            String logger = eq < 0 ? "" : item.substring(0, eq).trim();
            if (logger.isEmpty() || !logger.matches("[A-Za-z_$][\\w$.]*")) {
                throw new UsageException(flag + ": '" + item.trim() + "' is not package=LEVEL");
            }
            levels.put(logger, logLevel(item.substring(eq + 1), flag + " " + logger));
        }
        return levels;
    }

    /** The {@code -disco-*} settings, or null when {@code -disco-mode} is empty. */
    private static DiscoverySettings discovery(Map<String, String> v) throws UsageException {
        String mode = v.get(Setting.DISCO_MODE).trim();
        boolean reset = bool(v, Setting.DISCO_RESET);
        if (mode.isEmpty()) {
            if (reset) {
                throw new UsageException("-disco-reset needs -disco-mode (and -disco-config) to find the record");
            }
            return null;
        }
        String raw = v.get(Setting.DISCO_CONFIG).trim();
        String json = raw;
        if (!raw.isEmpty() && !raw.startsWith("{")) {
            try {
                json = Files.readString(Path.of(raw));
            } catch (IOException | RuntimeException e) {
                // the value is echoed only when it looks like a path: it may be a mistyped JSON holding a token
                boolean path = raw.matches("[\\w./~+@-]{1,255}");
                throw new UsageException(flagOf(Setting.DISCO_CONFIG) + ": " + (path ? "'" + raw + "'" : "the value")
                        + " is neither a JSON object nor a readable file" + (path ? " (" + e.getMessage() + ")" : ""));
            }
        }
        try {
            DiscoveryConfig config = DiscoveryConfig.parse(v.get(Setting.DISCO_KEY).trim(), json, System::getenv);
            DiscoveryClientProvider provider = DiscoveryClients.load(SettingsResolver.class.getClassLoader()).provider(mode);
            config.requireOnly(provider.settings(), mode);
            return new DiscoverySettings(mode, config, duration(v, Setting.DISCO_CLAIM_TTL),
                    duration(v, Setting.DISCO_REPORT_INTERVAL), reset, bool(v, Setting.DISCO_CONSUL_REGISTER));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static String flagOf(String key) {
        Setting s = Setting.byKey(key).orElseThrow();
        return s.flag() != null ? "-" + s.flag() : key;
    }

    private static HostPort address(Map<String, String> v, String key) throws UsageException {
        try {
            return HostPort.parse(v.get(key).trim());
        } catch (IllegalArgumentException e) {
            throw new UsageException(flagOf(key) + ": '" + v.get(key) + "' is not a valid address (" + e.getMessage() + ")");
        }
    }

    private static HostPort advertised(Map<String, String> v, String key, HostPort bind) throws UsageException {
        HostPort adv = v.get(key).isBlank() ? bind : address(v, key);
        if (adv.isWildcard()) {
            throw new UsageException(flagOf(key) + ": " + adv + " cannot be advertised; set "
                    + flagOf(key) + " to an address other nodes can reach");
        }
        return adv;
    }

    static boolean bool(Map<String, String> v, String key) throws UsageException {
        return switch (v.get(key).trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "t", "yes" -> true;
            case "false", "0", "f", "no", "" -> false;
            default -> throw new UsageException(flagOf(key) + ": '" + v.get(key) + "' is not true or false");
        };
    }

    private static List<HostPort> addressList(Map<String, String> v, String key) throws UsageException {
        List<HostPort> list = new ArrayList<>();
        for (String part : v.get(key).split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                list.add(HostPort.parse(part.trim()));
            } catch (IllegalArgumentException e) {
                throw new UsageException(flagOf(key) + ": '" + part.trim() + "' is not a valid address ("
                        + e.getMessage() + ")");
            }
        }
        return list;
    }

    private static long count(Map<String, String> v, String key) throws UsageException {
        try {
            long n = Long.parseLong(v.get(key).trim());
            if (n >= 1 && n <= Integer.MAX_VALUE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(flagOf(key) + ": '" + v.get(key) + "' is not a positive whole number");
    }

    private static long countOrZero(Map<String, String> v, String key) throws UsageException {
        if (v.get(key).trim().equals("0")) {
            return 0;
        }
        try {
            return count(v, key);
        } catch (UsageException e) {
            throw new UsageException(flagOf(key) + ": '" + v.get(key) + "' is not a whole number (0: off)");
        }
    }

    private static long size(Map<String, String> v, String key, long max) throws UsageException {
        Matcher m = SIZE.matcher(v.get(key).trim());
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "k", "kb", "kib" -> 1024L;
                    case "m", "mb", "mib" -> 1024L * 1024;
                    case "g", "gb", "gib" -> 1024L * 1024 * 1024;
                    default -> 1L;
                };
                long bytes = Math.multiplyExact(n, unit);
                if (bytes >= 1 && bytes <= max) {
                    return bytes;
                }
            } catch (ArithmeticException | NumberFormatException e) {
                // reported below
            }
        }
        throw new UsageException(flagOf(key) + ": '" + v.get(key) + "' is not a valid size (e.g. 8MiB, 65536)");
    }

    private static Duration duration(Map<String, String> v, String key) throws UsageException {
        try {
            Duration d = GoDuration.parse(v.get(key).trim());
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new UsageException(flagOf(key) + ": '" + v.get(key) + "' is not a valid duration (e.g. 500ms, 10s)");
    }

    /** A duration where zero (or {@code 0}) means "off". */
    private static Duration durationOrZero(Map<String, String> v, String key) throws UsageException {
        String text = v.get(key).trim();
        if (text.equals("0") || text.isEmpty()) {
            return Duration.ZERO;
        }
        try {
            Duration d = GoDuration.parse(text);
            if (!d.isNegative()) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new UsageException(flagOf(key) + ": '" + v.get(key) + "' is not a valid duration (e.g. 30m, 48h; 0s = off)");
    }

    /** The {@code -h} text, derived from the settings table. */
    public static String help() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: raftlite [flags] [data-directory]\n")
                .append("       raftlite tls ca create | cert create ...   (certificates: raftlite tls -h)\n")
                .append("       raftlite query|exec|status|backup|restore|watch|shell ...   (the client: raftlite query -h)\n\n")
                .append("Runs one raftlite node: a Raft-replicated SQLite database behind rqlite's HTTP API.\n\n")
                .append("Flags (each also settable as a YAML key in -config FILE and as an environment variable;\n")
                .append("precedence: flags > environment > file > defaults):\n");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"-config FILE", "YAML file with raftlite.* settings", ""});
        for (Setting s : Setting.ALL) {
            String flag = s.flag() == null ? "[data-directory]"
                    : s.kind() == Setting.Kind.BOOLEAN ? "-" + s.flag() : "-" + s.flag() + " VALUE";
            rows.add(new String[]{flag, s.description() + " [" + s.envName() + "]",
                    s.defaultValue().isEmpty() ? "" : "default " + s.defaultValue()});
        }
        rows.add(new String[]{"-h, --help", "show this help", ""});
        rows.add(new String[]{"--version", "print the version", ""});
        for (String[] r : rows) {
            sb.append(String.format("  %-30s %s%s%n", r[0], r[1], r[2].isEmpty() ? "" : " (" + r[2] + ")"));
        }
        return sb.toString();
    }
}

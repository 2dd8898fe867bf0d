package io.raftlite.server.backup;

import io.raftlite.core.api.GoDuration;
import io.raftlite.core.json.Json;
import io.raftlite.core.json.JsonException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * rqlite's {@code -auto-backup} file ({@code rqlite:auto/backup/config.go}, {@code rqlite:auto/file/file.go}):
 * {@code {"version":1,"type":"file","interval":"5m","vacuum":false,"no_compress":false,"timestamp":false,
 * "sub":{"dir":"/abs/dir","name":"backup.sqlite.gz"}}}; {@code $VAR} and {@code ${VAR}} in the text are
 * replaced by the environment first (unset: empty), as rqlite does.
 *
 * @param interval  how often the leader checks for changes and writes a backup
 * @param vacuum    VACUUM the copy before it is written (smaller file; the live database is not touched)
 * @param compress  gzip the file (rqlite's default; {@code no_compress} turns it off)
 * @param timestamp prefix the file name with the UTC time {@code YYYYMMDDHHMMSS_}, keeping every backup
 * @param dir       the absolute directory the backups go to (created if missing)
 * @param name      the file name, without any directory part
 */
public record AutoBackupConfig(Duration interval, boolean vacuum, boolean compress, boolean timestamp, Path dir,
                               String name) {

    private static final Pattern VAR = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)}|([A-Za-z_][A-Za-z0-9_]*))");
    private static final Set<String> KEYS = Set.of("version", "type", "interval", "vacuum", "no_compress",
            "timestamp", "sub");

    /**
     * Parses the file's text.
     *
     * @throws IllegalArgumentException with the reason, for anything rqlite refuses, an unknown key, and the
     *                                  types s3 and gcs (not supported here)
     */
    public static AutoBackupConfig parse(String text, UnaryOperator<String> env) {
        Object root;
        try {
            root = Json.parse(expand(text, env).getBytes(StandardCharsets.UTF_8));
        } catch (JsonException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("must be a JSON object");
        }
        for (Object k : m.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown key '" + k + "' (known: " + KEYS + ")");
            }
        }
        if (m.get("version") instanceof Number v ? v.longValue() > 1 : m.containsKey("version")) {
            throw new IllegalArgumentException("invalid version (only 1 is known)");
        }
        Object type = m.get("type");
        if ("s3".equals(type) || "gcs".equals(type)) {
            throw new IllegalArgumentException("type " + type + " is not supported: no "
                    + ("s3".equals(type) ? "S3" : "GCS") + " server to test against here; use type file");
        }
        if (!"file".equals(type)) {
            throw new IllegalArgumentException("unsupported storage type " + type + " (file; rqlite also has s3 and gcs)");
        }
        Duration interval = interval(m.get("interval"));
        if (!(m.get("sub") instanceof Map<?, ?> sub)) {
            throw new IllegalArgumentException("sub must be an object with dir and name");
        }
        String dir = string(sub.get("dir"), "sub.dir");
        String name = string(sub.get("name"), "sub.name");
        if (!Path.of(dir).isAbsolute()) {
            throw new IllegalArgumentException("directory path must be absolute: " + dir);
        }
        if (name.contains("/") || name.equals(".") || name.equals("..") || name.isEmpty()) {
            throw new IllegalArgumentException("invalid file parameter: " + name
                    + " (must be a simple filename without path separators)");
        }
        return new AutoBackupConfig(interval, flag(m, "vacuum"), !flag(m, "no_compress"), flag(m, "timestamp"),
                Path.of(dir).normalize(), name);
    }

    /** rqlite's {@code auto.Duration}: a Go duration string or a number of nanoseconds, above zero. */
    private static Duration interval(Object v) {
        Duration d;
        try {
            d = v instanceof String s ? GoDuration.parse(s)
                    : v instanceof Number n ? Duration.ofNanos(n.longValue()) : null;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("interval: " + e.getMessage());
        }
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("invalid interval (a duration above zero, e.g. \"5m\")");
        }
        return d;
    }

    private static boolean flag(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v != null && !(v instanceof Boolean)) {
            throw new IllegalArgumentException(key + " must be true or false");
        }
        return Boolean.TRUE.equals(v);
    }

    private static String string(Object v, String what) {
        if (!(v instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException(what + " must be a non-empty string");
        }
        return s;
    }

    private static String expand(String text, UnaryOperator<String> env) {
        Matcher m = VAR.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.apply(m.group(1) != null ? m.group(1) : m.group(2));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        return m.appendTail(out).toString();
    }

    /** rqlite's {@code String()} of its file client, for the log and {@code /status}. */
    public String destination() {
        return "dir:" + dir + ", file:" + name;
    }
}

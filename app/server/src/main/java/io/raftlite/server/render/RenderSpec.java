package io.raftlite.server.render;

import io.raftlite.core.api.GoDuration;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One entry of the {@code render} list.
 *
 * @param template      the Pebble template file (read at every render, so an edit takes effect on the next one)
 * @param destination   the file written
 * @param perms         permissions of the written file, or null to keep the old file's (new file: 0644 minus umask)
 * @param owner         {@code user} or {@code user:group} of the written file, or null (the service user)
 * @param checkCommand  argv run on the new content before it replaces the old file (empty: none); an argument
 *                      {@code {{.}}} or {@code $1} becomes the temp file's path, otherwise the path is appended
 * @param reloadCommand argv run after the file changed (empty: none)
 * @param timeout       how long either command may run before it is killed
 * @param waitMin       quiet time after the last change before rendering (0: render at once)
 * @param waitMax       the longest a render is put off by a stream of changes (0: no cap but {@code waitMin})
 * @param freshness     the node must have heard from its leader within this to write (0: not checked)
 */
public record RenderSpec(Path template, Path destination, Set<PosixFilePermission> perms, String owner,
                         List<String> checkCommand, List<String> reloadCommand, Duration timeout,
                         Duration waitMin, Duration waitMax, Duration freshness) {

    private static final Pattern OCTAL = Pattern.compile("0?[0-7]{3}");
    private static final Set<String> KEYS = Set.of("template", "destination", "perms", "owner", "check_command",
            "reload_command", "command_timeout", "wait", "freshness");

    public RenderSpec {
        checkCommand = List.copyOf(checkCommand);
        reloadCommand = List.copyOf(reloadCommand);
    }

    /** A short name for logs, metrics and /status: the destination path. */
    public String name() {
        return destination.toString();
    }

    /**
     * The {@code render} list as read from YAML or JSON: a list of mappings.
     *
     * @throws IllegalArgumentException naming the entry and key that is wrong
     */
    public static List<RenderSpec> parseAll(Object list) {
        if (list == null || list instanceof String s && s.isBlank()) {
            return List.of();
        }
        if (!(list instanceof List<?> entries)) {
            throw new IllegalArgumentException("render must be a list of entries");
        }
        List<RenderSpec> specs = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            try {
                specs.add(parse(entries.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("render entry " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (specs.stream().map(RenderSpec::destination).distinct().count() != specs.size()) {
            throw new IllegalArgumentException("render: two entries write the same destination");
        }
        return List.copyOf(specs);
    }

    static RenderSpec parse(Object entry) {
        if (!(entry instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("must be a mapping with template and destination");
        }
        for (Object key : m.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                throw new IllegalArgumentException("unknown key '" + key + "' (known: " + String.join(", ",
                        KEYS.stream().sorted().toList()) + ")");
            }
        }
        Path template = Path.of(required(m, "template"));
        Path destination = Path.of(required(m, "destination")).toAbsolutePath().normalize();
        if (m.get("perms") instanceof Number) { // YAML reads an unquoted 0640 as the number 416
            throw new IllegalArgumentException("perms must be quoted, such as \"0640\"");
        }
        String perms = text(m, "perms");
        if (perms != null && !OCTAL.matcher(perms).matches()) {
            throw new IllegalArgumentException("perms '" + perms + "' is not an octal mode such as 0644");
        }
        Object wait = m.get("wait");
        Duration waitMin = Duration.ZERO;
        Duration waitMax = Duration.ZERO;
        if (wait instanceof Map<?, ?> w) {
            waitMin = duration(w.get("min"), "wait.min", "0");
            waitMax = duration(w.get("max"), "wait.max", "0");
        } else if (wait != null) {
            String[] parts = String.valueOf(wait).split(":", 2); // consul-template's "2s:10s"
            waitMin = duration(parts[0], "wait", "0");
            waitMax = parts.length > 1 ? duration(parts[1], "wait", "0") : waitMin.multipliedBy(4);
        }
        if (!waitMax.isZero() && waitMax.compareTo(waitMin) < 0) {
            throw new IllegalArgumentException("wait.max must not be below wait.min");
        }
        return new RenderSpec(template, destination, perms == null ? null : posix(perms), text(m, "owner"),
                command(m.get("check_command"), "check_command"), command(m.get("reload_command"), "reload_command"),
                duration(m.get("command_timeout"), "command_timeout", "30s"), waitMin, waitMax,
                duration(m.get("freshness"), "freshness", "30s"));
    }

    private static String required(Map<?, ?> m, String key) {
        String v = text(m, key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
        return v;
    }

    private static String text(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? null : String.valueOf(v).trim();
    }

    private static Duration duration(Object v, String key, String dflt) {
        String text = v == null ? dflt : String.valueOf(v).trim();
        try {
            Duration d = GoDuration.parse(text);
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " '" + text + "' is not a duration such as 2s or 1m");
        }
    }

    /** A list of arguments, or a string split at white space (never given to a shell). */
    private static List<String> command(Object v, String key) {
        if (v == null) {
            return List.of();
        }
        List<String> argv = v instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                : List.of(String.valueOf(v).trim().split("\\s+"));
        if (argv.isEmpty() || argv.get(0).isBlank()) {
            throw new IllegalArgumentException(key + " must name a program");
        }
        return argv;
    }

    private static Set<PosixFilePermission> posix(String octal) {
        int mode = Integer.parseInt(octal, 8);
        StringBuilder s = new StringBuilder();
        String letters = "rwxrwxrwx";
        for (int bit = 8; bit >= 0; bit--) {
            s.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
        }
        return PosixFilePermissions.fromString(s.toString());
    }
}

package io.raftlite.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A provider's configuration: the key ({@code -disco-key}) and the settings from {@code -disco-config}
 * (a JSON object), with typed getters whose errors name the setting.
 *
 * @param key      the discovery key; one store can hold many clusters under different keys
 * @param settings the JSON object's fields: String, Long, Double, Boolean, List or Map values
 */
public record DiscoveryConfig(String key, Map<String, Object> settings) {

    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    public DiscoveryConfig {
        Objects.requireNonNull(key, "key");
        if (key.isBlank() || key.startsWith("/") || key.endsWith("/")) {
            throw new IllegalArgumentException("discovery key '" + key
                    + "' must be non-empty and neither start nor end with '/'");
        }
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /**
     * The key and the names of the settings, never their values: they hold passwords and tokens (etcd's
     * {@code password}, Consul's {@code token}, TLS keys), and a record's own {@code toString} would print them
     * wherever a config, or a settings record holding one, is logged.
     */
    @Override
    public String toString() {
        return "DiscoveryConfig[key=" + key + ", settings=" + settings.keySet() + "]";
    }

    /**
     * Parses {@code -disco-config}'s JSON object and expands {@code $VAR} and {@code ${VAR}} in its string
     * values (rqlite expands the environment in this file too; an unset variable becomes empty).
     *
     * @throws IllegalArgumentException when the text is not a JSON object
     */
    public static DiscoveryConfig parse(String key, String json, UnaryOperator<String> env) {
        Object v;
        try {
            v = json == null || json.isBlank() ? Map.of() : new RecordJson.Parser(json).document();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("discovery config is not valid JSON: " + e.getMessage(), e);
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("discovery config must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> expanded = (Map<String, Object>) expand(m, env);
        return new DiscoveryConfig(key, expanded);
    }

    private static Object expand(Object v, UnaryOperator<String> env) {
        if (v instanceof String s) {
            Matcher m = ENV.matcher(s);
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                String value = env.apply(m.group(1) != null ? m.group(1) : m.group(2));
                m.appendReplacement(b, Matcher.quoteReplacement(value == null ? "" : value));
            }
            return m.appendTail(b).toString();
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, x) -> out.put((String) k, expand(x, env)));
            return out;
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(x -> out.add(expand(x, env)));
            return out;
        }
        return v;
    }

    /** @throws IllegalArgumentException naming the unknown keys and the known ones */
    public void requireOnly(Set<String> known, String mode) {
        Set<String> unknown = new TreeSet<>(settings.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown " + mode + " discovery setting" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + "; known: " + String.join(", ", new TreeSet<>(known)));
        }
    }

    /** A string setting, or {@code fallback} when absent. */
    public String string(String name, String fallback) {
        Object v = settings.get(name);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("discovery setting '" + name + "' must be a string");
        }
        return s;
    }

    /** A list of strings, given as a JSON array or one comma-separated string; {@code fallback} when absent. */
    public List<String> strings(String name, List<String> fallback) {
        Object v = settings.get(name);
        if (v == null) {
            return fallback;
        }
        List<String> out = new ArrayList<>();
        if (v instanceof String s) {
            for (String part : s.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        } else if (v instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw new IllegalArgumentException("discovery setting '" + name + "' must list strings");
                }
                out.add(s);
            }
        } else {
            throw new IllegalArgumentException("discovery setting '" + name + "' must be a list of strings");
        }
        return List.copyOf(out);
    }

    /** An integer setting, or {@code fallback} when absent. */
    public long integer(String name, long fallback) {
        Object v = settings.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("discovery setting '" + name + "' must be an integer");
    }

    /** A boolean setting, or {@code fallback} when absent. */
    public boolean bool(String name, boolean fallback) {
        Object v = settings.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("discovery setting '" + name + "' must be true or false");
    }

    /**
     * A duration setting: a string such as {@code "500ms"}, {@code "10s"}, {@code "2m"}, or a bare number
     * in {@code numberUnit} (rqlite's etcd config gives {@code dial-timeout} in nanoseconds).
     */
    public Duration duration(String name, Duration fallback, java.time.temporal.ChronoUnit numberUnit) {
        Object v = settings.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Long l) {
            return Duration.of(l, numberUnit);
        }
        if (v instanceof String s) {
            Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(s.trim());
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
        }
        throw new IllegalArgumentException("discovery setting '" + name
                + "' must be a duration such as \"500ms\", \"10s\" or \"2m\"");
    }
}

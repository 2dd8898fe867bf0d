package io.raftlite.server.tls;

import io.raftlite.server.config.UsageException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The flags of one {@code tls} command, parsed the way the node's own flags are: {@code -name value},
 * {@code -name=value}, one or two leading dashes; boolean flags take no value (or {@code =true/false}).
 */
final class TlsArgs {

    private final String command;
    private final Map<String, String> values = new HashMap<>();

    private TlsArgs(String command) {
        this.command = command;
    }

    /** Parses {@code args}; a flag outside {@code valued} and {@code booleans}, or a stray word, is an error. */
    static TlsArgs parse(String command, List<String> args, Set<String> valued, Set<String> booleans)
            throws UsageException {
        TlsArgs parsed = new TlsArgs(command);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-") || arg.equals("-") || arg.equals("--")) {
                throw new UsageException(command + ": unexpected argument '" + arg + "' (see raftlite tls -h)");
            }
            String name = arg.substring(arg.startsWith("--") ? 2 : 1);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (booleans.contains(name)) {
                value = value == null ? "true" : value;
                if (!value.equals("true") && !value.equals("false")) {
                    throw new UsageException(command + ": -" + name + " takes no value (or =true, =false)");
                }
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException(command + ": -" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
            } else {
                throw new UsageException(command + ": unknown flag -" + name + " (see raftlite tls -h)");
            }
            if (parsed.values.put(name, value) != null) {
                throw new UsageException(command + ": -" + name + " given twice");
            }
        }
        return parsed;
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    boolean flag(String name) {
        return "true".equals(values.get(name));
    }

    /** A required non-blank value. */
    String required(String name, String what) throws UsageException {
        String v = values.get(name);
        if (v == null || v.isBlank()) {
            throw new UsageException(command + ": -" + name + " " + what + " is required");
        }
        return v.trim();
    }

    /** Days of validity, 1 to 36,500. */
    int days(int fallback) throws UsageException {
        String v = values.get("days");
        if (v == null) {
            return fallback;
        }
        try {
            int days = Integer.parseInt(v.trim());
            if (days >= 1 && days <= 36_500) {
                return days;
            }
        } catch (NumberFormatException e) {
            // the message below says what is allowed
        }
        throw new UsageException(command + ": -days '" + v + "' must be a whole number of days from 1 to 36500");
    }
}

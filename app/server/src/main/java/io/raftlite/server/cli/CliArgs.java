package io.raftlite.server.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CLI command line: flags ({@code -name value}, {@code -name=value}, {@code --name} alike) anywhere, the rest
 * positional. {@code --} ends the flags; a word that looks like a negative number is a positional (a parameter).
 */
record CliArgs(Map<String, String> values, Set<String> switches, List<String> positional) {

    /** Flags that take a value, for every command. */
    static final Set<String> VALUE_FLAGS = Set.of("H", "http-ca-cert", "http-cert", "http-key", "u", "tables",
            "fmt", "wait", "timeout", "config");
    /** Flags without a value. */
    static final Set<String> SWITCHES = Set.of("json", "insecure", "once", "h", "help");

    static CliArgs parse(List<String> words) throws CliException {
        Map<String, String> values = new HashMap<>();
        java.util.Set<String> switches = new java.util.HashSet<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("--")) {
                positional.addAll(words.subList(i + 1, words.size()));
                break;
            }
            if (!w.startsWith("-") || w.equals("-") || looksNumeric(w)) {
                positional.add(w);
                continue;
            }
            String name = w.replaceFirst("^--?", "");
            String inline = null;
            int eq = name.indexOf('=');
            if (eq > 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (SWITCHES.contains(name) && inline == null) {
                switches.add(name.equals("help") ? "h" : name);
            } else if (VALUE_FLAGS.contains(name)) {
                if (inline == null && i + 1 >= words.size()) {
                    throw new CliException(Exit.USAGE, "-" + name + " needs a value");
                }
                values.put(name, inline != null ? inline : words.get(++i));
            } else {
                throw new CliException(Exit.USAGE, "unknown flag " + w + " (see -h)");
            }
        }
        return new CliArgs(Map.copyOf(values), Set.copyOf(switches), List.copyOf(positional));
    }

    private static boolean looksNumeric(String w) {
        return w.matches("-[0-9][0-9._eE+-]*");
    }

    String get(String flag, String otherwise) {
        return values.getOrDefault(flag, otherwise);
    }

    boolean has(String flag) {
        return switches.contains(flag) || values.containsKey(flag);
    }

    /** Refuses flags this command does not take, so a typo is an error rather than silently ignored. */
    CliArgs only(String command, Set<String> commandFlags) throws CliException {
        for (String f : values.keySet()) {
            if (!NodeClient.FLAGS.contains(f) && !commandFlags.contains(f)) {
                throw new CliException(Exit.USAGE, command + " does not take -" + f);
            }
        }
        for (String s : switches) {
            if (!NodeClient.FLAGS.contains(s) && !commandFlags.contains(s) && !s.equals("h")) {
                throw new CliException(Exit.USAGE, command + " does not take -" + s);
            }
        }
        return this;
    }
}

package io.raftlite.server.cli;

import java.io.Console;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Function;

/** What a CLI command reads and writes: stdout, stderr, the environment and a password prompt (tests give their own). */
record CliIo(PrintStream out, PrintStream err, Map<String, String> env, Function<String, String> prompt) {

    /** The process's streams and environment; the prompt reads from the terminal without echo, or gives null. */
    static CliIo system() {
        return new CliIo(System.out, System.err, System.getenv(), CliIo::readPassword);
    }

    String password(String question) {
        return prompt.apply(question);
    }

    private static String readPassword(String question) {
        Console console = System.console();
        if (console == null) {
            return null;
        }
        char[] p = console.readPassword("%s", question);
        return p == null ? null : new String(p);
    }
}

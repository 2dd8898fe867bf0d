package io.raftlite.server.cli;

import io.raftlite.core.json.Json;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What {@code raftlite shell} does with one line: a dot-command ({@code .tables}, {@code .schema}, {@code .status},
 * {@code .stepdown [ID]}, {@code .snapshot [N]}, {@code .reap}, {@code .backup FILE}, {@code .restore FILE}, {@code .help}, {@code .exit}) or one SQL statement. A statement that
 * starts with SELECT, PRAGMA, EXPLAIN or VALUES goes to {@code /db/query}, WITH to {@code /db/request} (it may
 * read or write), anything else to {@code /db/execute}, as in rqlite's shell. Kept apart from the line editor so
 * tests drive it without a terminal.
 */
final class ShellCommands {

    /** {@link #handle}'s answer for {@code .exit} and {@code .quit}. */
    static final int EXIT = -1;
    static final String HELP = """
            .backup FILE    write a backup of the database (SQLite file) to FILE
            .exit           leave the shell (also .quit or Ctrl-D)
            .help           this text
            .restore FILE   load a SQLite file or SQL text into the database (replaces it)
            .reap           delete this node's older snapshots (POST /reap)
            .schema         the CREATE statements of every table, index and view
            .snapshot [N]   take a snapshot on this node now (POST /snapshot; N: rqlite's trailing logs)
            .status         the node's status summary
            .stepdown [ID]  move leadership to voter ID, or to any other voter (POST /leader)
            .tables         the tables' names
            SQL             any other line is one SQL statement
            """;
    private static final Pattern READ = Pattern.compile("(?is)\\s*(SELECT|PRAGMA|EXPLAIN|VALUES)\\b.*");
    private static final Pattern EITHER = Pattern.compile("(?is)\\s*WITH\\b.*");

    private final NodeClient node;
    private final CliIo io;

    ShellCommands(NodeClient node, CliIo io) {
        this.node = node;
        this.io = io;
    }

    /** Runs one line; returns the exit code of what it ran, or {@link #EXIT}. Errors are printed, not thrown. */
    int handle(String line) {
        String text = line.strip();
        while (text.endsWith(";")) {
            text = text.substring(0, text.length() - 1).strip();
        }
        if (text.isEmpty()) {
            return Exit.OK;
        }
        try {
            return text.startsWith(".") ? dot(text) : sql(text);
        } catch (CliException e) {
            io.err().println("error: " + e.getMessage());
            return e.exitCode();
        }
    }

    private int sql(String text) throws CliException {
        String path = READ.matcher(text).matches() ? "/db/query"
                : EITHER.matcher(text).matches() ? "/db/request" : "/db/execute";
        return SqlCommand.run(node, path, text, List.of(), false, io);
    }

    private int dot(String text) throws CliException {
        String[] words = text.split("\\s+", 2);
        String arg = words.length > 1 ? words[1].strip() : "";
        switch (words[0].toLowerCase(Locale.ROOT)) {
            case ".exit", ".quit" -> {
                return EXIT;
            }
            case ".help" -> io.out().print(HELP);
            case ".tables" -> {
                return sql("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                        + "ORDER BY name");
            }
            case ".schema" -> {
                return sql("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
                        + "ORDER BY tbl_name, type DESC, name");
            }
            case ".status" -> {
                return StatusCommand.run(node, false, io.out());
            }
            case ".stepdown" -> {
                byte[] body = arg.isEmpty() ? new byte[0]
                        : Json.write(Map.of("id", arg), false).getBytes(StandardCharsets.UTF_8);
                node.send("POST", "/leader", "application/json", body);
                io.out().println(arg.isEmpty() ? "leadership moved to another voter" : "leadership moved to " + arg);
            }
            case ".snapshot" -> {
                if (!arg.matches("\\d{0,9}")) {
                    throw new CliException(Exit.USAGE, ".snapshot takes a number of trailing log entries");
                }
                node.send("POST", arg.isEmpty() ? "/snapshot" : "/snapshot?trailing_logs=" + arg, "text/plain", new byte[0]);
            }
            case ".reap" -> {
                Object counts = parseJson(node.send("POST", "/reap", "text/plain", new byte[0]));
                Map<?, ?> m = counts instanceof Map<?, ?> map ? map : Map.of();
                io.out().println("snapshots reaped: " + m.get("snapshots_reaped") + ", WALs checkpointed: "
                        + m.get("wals_checkpointed"));
            }
            case ".backup" -> {
                long n = BackupCommand.backup(node, "binary", Path.of(needFile(".backup", arg)));
                io.out().println("wrote " + n + " bytes to " + arg);
            }
            case ".restore" -> {
                return BackupCommand.restore(CliArgs.parse(List.of(needFile(".restore", arg))), node, io);
            }
            default -> throw new CliException(Exit.USAGE, "unknown command " + words[0] + " (see .help)");
        }
        return Exit.OK;
    }

    private static Object parseJson(byte[] body) throws CliException {
        try {
            return Json.parse(body);
        } catch (io.raftlite.core.json.JsonException e) {
            throw new CliException(Exit.UNREACHABLE, "unexpected answer: " + e.getMessage());
        }
    }

    private static String needFile(String command, String arg) throws CliException {
        if (arg.isEmpty()) {
            throw new CliException(Exit.USAGE, command + " needs a FILE");
        }
        return arg;
    }
}

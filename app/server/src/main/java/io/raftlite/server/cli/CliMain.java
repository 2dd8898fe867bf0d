package io.raftlite.server.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code raftlite query|exec|status|backup|restore|watch|shell ...}: the client commands, dispatched from
 * {@link io.raftlite.server.Main} before anything of the node is loaded.
 */
public final class CliMain {

    /** The first words that select a client command rather than starting a node. */
    public static final Set<String> COMMANDS = Set.of("query", "exec", "status", "backup", "restore", "watch", "shell",
            "render");

    private CliMain() {
    }

    /** Runs {@code raftlite <args>} (args[0] is one of {@link #COMMANDS}) and returns its exit code. */
    public static int run(String[] args) {
        return run(Arrays.asList(args), CliIo.system());
    }

    static int run(List<String> words, CliIo io) {
        String command = words.get(0);
        try {
            CliArgs args = CliArgs.parse(words.subList(1, words.size()));
            if (args.has("h")) {
                io.out().print(CliHelp.TEXT);
                return Exit.OK;
            }
            return switch (command) {
                case "query", "exec" -> SqlCommand.run(command, args, io);
                case "status" -> StatusCommand.run(args, io);
                case "backup" -> BackupCommand.backup(args, io);
                case "restore" -> BackupCommand.restore(args, io);
                case "watch" -> WatchCommand.run(args, io);
                case "shell" -> Shell.run(args, io);
                case "render" -> RenderCommand.run(args, io);
                default -> throw new CliException(Exit.USAGE, "unknown command " + command);
            };
        } catch (CliException e) {
            io.err().println("raftlite " + command + ": " + e.getMessage());
            return e.exitCode();
        }
    }
}

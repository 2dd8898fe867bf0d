package io.raftlite.server.cli;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * {@code raftlite shell}: an interactive prompt with line editing and a history kept in {@code ~/.raftlite_history}
 * (JLine 3; mode 0600). Without a terminal (input from a pipe) it reads lines as they come. Ctrl-C drops the line being typed; Ctrl-D or {@code .exit} leaves. The lines themselves are
 * {@link ShellCommands}'.
 */
final class Shell {

    private Shell() {
    }

    /** The history holds SQL as typed, values included: readable by its owner only, like a shell's history. */
    private static Path privateFile(Path history) {
        try {
            if (!Files.exists(history)) {
                Files.createFile(history, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // JLine creates it, or keeps no history: the shell works either way
        }
        return history;
    }

    static int run(CliArgs args, CliIo io) throws CliException {
        args.only("shell", Set.of());
        if (!args.positional().isEmpty()) {
            throw new CliException(Exit.USAGE, "shell takes no arguments");
        }
        NodeClient node = NodeClient.from(args, io);
        ShellCommands commands = new ShellCommands(node, io);
        try (Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build()) {
            LineReaderBuilder builder = LineReaderBuilder.builder().terminal(terminal).appName("raftlite");
            String home = io.env().get("HOME");
            if (home != null && !home.isBlank()) {
                builder.variable(LineReader.HISTORY_FILE, privateFile(Path.of(home, ".raftlite_history")));
            }
            LineReader reader = builder.build();
            io.out().println("raftlite shell on " + node.base() + "; .help for commands, .exit or Ctrl-D to leave");
            String prompt = node.base().replaceFirst("^https?://", "") + "> ";
            int last = Exit.OK;
            while (true) {
                String line;
                try {
                    line = reader.readLine(prompt);
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    return last;
                }
                int code = commands.handle(line);
                if (code == ShellCommands.EXIT) {
                    return last;
                }
                last = code;
            }
        } catch (IOException e) {
            throw new CliException(Exit.UNREACHABLE, "no terminal: " + e.getMessage());
        }
    }
}

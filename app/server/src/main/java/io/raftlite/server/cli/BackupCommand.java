package io.raftlite.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;

/**
 * {@code raftlite backup FILE} ({@code GET /db/backup}, {@code -fmt sql} for a SQL dump) and
 * {@code raftlite restore FILE} ({@code POST /db/load}: a SQLite file, recognised by its header, or SQL text).
 * A backup is written to a temporary file next to FILE and renamed once complete, so FILE is never half a backup.
 */
final class BackupCommand {

    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private BackupCommand() {
    }

    static int backup(CliArgs args, CliIo io) throws CliException {
        args.only("backup", Set.of("fmt"));
        Path file = oneFile("backup", args);
        String fmt = args.get("fmt", "binary");
        if (!fmt.equals("binary") && !fmt.equals("sql")) {
            throw new CliException(Exit.USAGE, "backup -fmt " + fmt + ": binary (a SQLite file) or sql (a dump)");
        }
        NodeClient node = NodeClient.from(args, io);
        long bytes = backup(node, fmt, file);
        if (!file.toString().equals("-")) {
            io.err().println("wrote " + bytes + " bytes to " + file);
        }
        return Exit.OK;
    }

    static long backup(NodeClient node, String fmt, Path file) throws CliException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try (InputStream in = node.stream("/db/backup" + (fmt.equals("sql") ? "?fmt=sql" : ""))) {
            if (file.toString().equals("-")) {
                return in.transferTo(System.out); // -: the backup on stdout, for a pipe
            }
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".part");
            long n;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                n = in.transferTo(out);
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return n;
        } catch (IOException e) {
            throw new CliException(Exit.UNREACHABLE, "backup to " + file + " failed: " + e.getMessage());
        } finally {
            deleteQuietly(tmp);
        }
    }

    static int restore(CliArgs args, CliIo io) throws CliException {
        args.only("restore", Set.of());
        oneFile("restore", args);
        return restore(args, NodeClient.from(args, io), io);
    }

    static int restore(CliArgs args, NodeClient node, CliIo io) throws CliException {
        Path file = oneFile("restore", args);
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CliException(Exit.USAGE, "restore: " + file + ": no such file");
        } catch (IOException e) {
            throw new CliException(Exit.USAGE, "restore: " + file + ": " + e.getMessage());
        }
        boolean sqlite = isSqlite(data);
        byte[] body = node.send("POST", "/db/load", sqlite ? "application/octet-stream" : "text/plain", data);
        boolean json = args.has("json");
        int code = ResultTable.print(body, json,
                json ? io.out() : new java.io.PrintStream(OutputStream.nullOutputStream()), io.err());
        if (!json && code == Exit.OK) {
            io.out().println("restored " + file + " (" + (sqlite ? "SQLite file" : "SQL text") + ", " + data.length
                    + " bytes)");
        }
        return code;
    }

    static boolean isSqlite(byte[] data) {
        return data.length >= SQLITE_HEADER.length
                && Arrays.equals(data, 0, SQLITE_HEADER.length, SQLITE_HEADER, 0, SQLITE_HEADER.length);
    }

    private static Path oneFile(String command, CliArgs args) throws CliException {
        if (args.positional().size() != 1) {
            throw new CliException(Exit.USAGE, command + " needs one FILE: raftlite " + command + " FILE");
        }
        return Path.of(args.positional().get(0));
    }

    private static void deleteQuietly(Path tmp) {
        if (tmp != null) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover .part file names itself
            }
        }
    }
}

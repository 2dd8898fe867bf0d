package io.raftlite.core.command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Raft log entry format. A single command (big-endian): version byte {@value #VERSION}, kind ordinal
 * byte, transaction flag, timestamp long, seed long, statement count int, statements, payload (int length +
 * bytes). A statement is its SQL string, a parameter-style byte (0 positional, 1 named), and its values;
 * each value is a type tag followed by its data (see {@link BinaryWriter}).
 *
 * <p>A group-commit entry carries several commands that are applied one after the other, each exactly as
 * if it were its own entry: version byte {@value #BATCH}, command count int, then each single-command
 * encoding as int length + bytes. {@link #decodeEntry} reads either form.
 */
public final class CommandCodec {

    static final byte VERSION = 1;
    /** The first byte of a group-commit entry (several commands). Nodes older than it fail-stop on one. */
    static final byte BATCH = 2;
    private static final byte POSITIONAL = 0;
    private static final byte NAMED = 1;
    private static final Command.Kind[] KINDS = Command.Kind.values();

    private CommandCodec() {
    }

    public static byte[] encode(Command command) {
        BinaryWriter w = new BinaryWriter(encodedSize(command))
                .writeByte(VERSION)
                .writeByte(command.kind().ordinal())
                .writeBoolean(command.transaction())
                .writeLong(command.timestampMillis())
                .writeLong(command.seed())
                .writeInt(command.statements().size());
        for (Statement s : command.statements()) {
            writeStatement(w, s);
        }
        return w.writeBytes(command.payload()).toByteArray();
    }

    /**
     * One entry holding {@code encodedCommands} (each an {@link #encode} result), to be applied in this
     * order; a single command is returned as it is, so a lone write keeps the single-command format.
     */
    public static byte[] encodeBatch(List<byte[]> encodedCommands) {
        if (encodedCommands.isEmpty()) {
            throw new IllegalArgumentException("an entry needs at least one command");
        }
        if (encodedCommands.size() == 1) {
            return encodedCommands.get(0);
        }
        BinaryWriter w = new BinaryWriter().writeByte(BATCH).writeInt(encodedCommands.size());
        for (byte[] c : encodedCommands) {
            w.writeBytes(c);
        }
        return w.toByteArray();
    }

    /** Whether {@code entry} is a group-commit entry (its result is then a {@link ResultCodec#encodeBatch}). */
    public static boolean isBatch(byte[] entry) {
        return entry.length > 0 && entry[0] == BATCH;
    }

    /**
     * The commands of a log entry, in order: one for a single-command entry, several for a group commit.
     *
     * @throws IllegalArgumentException when the bytes are not a complete, valid encoding
     */
    public static List<Command> decodeEntry(byte[] entry) {
        if (!isBatch(entry)) {
            return List.of(decode(entry));
        }
        BinaryReader r = new BinaryReader(entry);
        r.expectVersion(BATCH, "entry");
        int n = r.readCount(4 + 27); // length prefix + the smallest command (27 bytes)
        if (n < 2) {
            throw new IllegalArgumentException("a group-commit entry with " + n + " command(s)");
        }
        List<Command> commands = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            commands.add(decode(r.readBytes()));
        }
        r.expectEnd();
        return commands;
    }

    /** @throws IllegalArgumentException when the bytes are not a complete, valid encoding */
    public static Command decode(byte[] bytes) {
        BinaryReader r = new BinaryReader(bytes);
        r.expectVersion(VERSION, "command");
        int kind = r.readByte();
        if (kind < 0 || kind >= KINDS.length) {
            throw new IllegalArgumentException("unknown command kind " + kind);
        }
        boolean transaction = r.readBoolean();
        long timestamp = r.readLong();
        long seed = r.readLong();
        int n = r.readCount(9); // sql length (4) + style (1) + value count (4)
        List<Statement> statements = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            statements.add(readStatement(r));
        }
        byte[] payload = r.readBytes();
        r.expectEnd();
        return new Command(KINDS[kind], transaction, timestamp, seed, statements, payload);
    }

    /** The exact size {@link #encode} writes (so a command of megabytes is written into one buffer, no copy). */
    static int encodedSize(Command command) {
        long size = 1 + 1 + 1 + 8 + 8 + 4 + 4L + command.payload().length;
        for (Statement s : command.statements()) {
            size += 4 + utf8Length(s.sql()) + 1 + 4;
            if (!s.named().isEmpty()) {
                for (Map.Entry<String, Object> e : s.named().entrySet()) {
                    size += 4 + utf8Length(e.getKey()) + valueSize(e.getValue());
                }
            } else {
                for (Object v : s.positional()) {
                    size += valueSize(v);
                }
            }
        }
        return (int) Math.min(Integer.MAX_VALUE - 8, size);
    }

    private static long valueSize(Object v) {
        if (v instanceof String s) {
            return 1 + 4 + utf8Length(s);
        } else if (v instanceof byte[] b) {
            return 1 + 4 + b.length;
        } else if (v instanceof Boolean) {
            return 2;
        }
        return v == null ? 1 : 9; // integers and reals: a tag and 8 bytes
    }

    /** What {@code s.getBytes(UTF_8)} returns, counted without the copy (a lone surrogate becomes '?'). */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += Character.isSurrogate(c) ? 1 : 3;
            }
        }
        return n;
    }

    private static void writeStatement(BinaryWriter w, Statement s) {
        w.writeString(s.sql());
        if (!s.named().isEmpty()) {
            w.writeByte(NAMED).writeNamed(s.named());
        } else {
            w.writeByte(POSITIONAL).writeInt(s.positional().size());
            s.positional().forEach(w::writeValue);
        }
    }

    private static Statement readStatement(BinaryReader r) {
        String sql = r.readString();
        byte style = r.readByte();
        if (style == POSITIONAL) {
            int n = r.readCount(1);
            List<Object> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                values.add(r.readValue());
            }
            return new Statement(sql, values, Map.of());
        } else if (style == NAMED) {
            int n = r.readCount(5);
            Map<String, Object> named = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String key = r.readString();
                if (named.containsKey(key)) {
                    throw new IllegalArgumentException("duplicate parameter name " + key);
                }
                named.put(key, r.readValue());
            }
            return new Statement(sql, List.of(), named);
        }
        throw new IllegalArgumentException("unknown parameter style " + style);
    }
}

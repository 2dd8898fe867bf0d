package io.raftlite.core.command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Raft log entry format. Layout (big-endian): version byte {@value #VERSION}, kind ordinal byte,
 * transaction flag, timestamp long, seed long, statement count int, statements, payload (int length +
 * bytes). A statement is its SQL string, a parameter-style byte (0 positional, 1 named), and its values;
 * each value is a type tag followed by its data (see {@link BinaryWriter}).
 */
public final class CommandCodec {

    static final byte VERSION = 1;
    private static final byte POSITIONAL = 0;
    private static final byte NAMED = 1;
    private static final Command.Kind[] KINDS = Command.Kind.values();

    private CommandCodec() {
    }

    public static byte[] encode(Command command) {
        BinaryWriter w = new BinaryWriter()
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

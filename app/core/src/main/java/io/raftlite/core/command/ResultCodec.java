package io.raftlite.core.command;

import java.util.ArrayList;
import java.util.List;

/**
 * The format of what applying a log entry returns. Layout (big-endian): version byte {@value #VERSION},
 * result count int, results, nullable whole-entry error, raft index long. A result is a tag byte
 * (0 execute, 1 query, 2 error) and its fields; query rows are each a value count and tagged values.
 * A group-commit entry's result is version byte {@value #BATCH}, count int, and each command's result as
 * int length + bytes, in the entry's order.
 */
public final class ResultCodec {

    static final byte VERSION = 1;
    static final byte BATCH = 2;
    private static final byte EXECUTE = 0;
    private static final byte QUERY = 1;
    private static final byte ERROR = 2;

    private ResultCodec() {
    }

    public static byte[] encode(CommandResult result) {
        BinaryWriter w = new BinaryWriter().writeByte(VERSION).writeInt(result.results().size());
        for (StatementResult r : result.results()) {
            writeResult(w, r);
        }
        return w.writeNullableString(result.error()).writeLong(result.raftIndex()).toByteArray();
    }

    /** The result of a group-commit entry: one result per command, in the entry's order. */
    public static byte[] encodeBatch(List<CommandResult> results) {
        BinaryWriter w = new BinaryWriter().writeByte(BATCH).writeInt(results.size());
        for (CommandResult r : results) {
            w.writeBytes(encode(r));
        }
        return w.toByteArray();
    }

    /** @throws IllegalArgumentException when the bytes are not a complete, valid {@link #encodeBatch} */
    public static List<CommandResult> decodeBatch(byte[] bytes) {
        BinaryReader r = new BinaryReader(bytes);
        r.expectVersion(BATCH, "batch result");
        int n = r.readCount(4 + 14); // length prefix + the smallest result
        List<CommandResult> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            results.add(decode(r.readBytes()));
        }
        r.expectEnd();
        return results;
    }

    /** @throws IllegalArgumentException when the bytes are not a complete, valid encoding */
    public static CommandResult decode(byte[] bytes) {
        BinaryReader r = new BinaryReader(bytes);
        r.expectVersion(VERSION, "result");
        int n = r.readCount(9); // tag + the smallest result (error: string length + time)
        List<StatementResult> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            results.add(readResult(r));
        }
        String error = r.readNullableString();
        long index = r.readLong();
        r.expectEnd();
        return new CommandResult(results, error, index);
    }

    private static void writeResult(BinaryWriter w, StatementResult result) {
        if (result instanceof ExecuteResult e) {
            w.writeByte(EXECUTE).writeLong(e.lastInsertId()).writeLong(e.rowsAffected()).writeDouble(e.timeSeconds());
        } else if (result instanceof ErrorResult e) {
            w.writeByte(ERROR).writeString(e.error()).writeDouble(e.timeSeconds());
        } else if (result instanceof QueryResult q) {
            w.writeByte(QUERY).writeDouble(q.timeSeconds());
            writeStrings(w, q.columns());
            writeStrings(w, q.types());
            w.writeInt(q.rows().size());
            for (List<Object> row : q.rows()) {
                w.writeInt(row.size());
                row.forEach(w::writeValue);
            }
        }
    }

    private static StatementResult readResult(BinaryReader r) {
        byte tag = r.readByte();
        switch (tag) {
            case EXECUTE:
                return new ExecuteResult(r.readLong(), r.readLong(), r.readDouble());
            case ERROR: {
                String error = r.readString();
                return new ErrorResult(error, r.readDouble());
            }
            case QUERY: {
                double time = r.readDouble();
                List<String> columns = readStrings(r);
                List<String> types = readStrings(r);
                int rowCount = r.readCount(4);
                List<List<Object>> rows = new ArrayList<>(rowCount);
                for (int i = 0; i < rowCount; i++) {
                    int width = r.readCount(1);
                    List<Object> row = new ArrayList<>(width);
                    for (int j = 0; j < width; j++) {
                        row.add(r.readValue());
                    }
                    rows.add(row);
                }
                return new QueryResult(columns, types, rows, time);
            }
            default:
                throw new IllegalArgumentException("unknown result tag " + tag);
        }
    }

    private static void writeStrings(BinaryWriter w, List<String> strings) {
        w.writeInt(strings.size());
        strings.forEach(w::writeString);
    }

    private static List<String> readStrings(BinaryReader r) {
        int n = r.readCount(4);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(r.readString());
        }
        return out;
    }
}

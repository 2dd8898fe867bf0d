package io.raftlite.core.command;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodecTest {

    private static final byte[] BLOB = {0, 1, 2, (byte) 0xff};

    private static Command sampleCommand() {
        Map<String, Object> named = new LinkedHashMap<>();
        named.put("name", "Zoë ☃ 😀");
        named.put("nothing", null);
        named.put("blob", BLOB);
        return Command.execute(List.of(
                Statement.of("CREATE TABLE foo (id INTEGER PRIMARY KEY, name TEXT)"),
                Statement.of("INSERT INTO foo VALUES (?, ?, ?, ?, ?)", 1L, 2.5, true, null, "x"),
                new Statement("INSERT INTO foo(name) VALUES(:name)", null, named)), true, 1_700_000_000_123L, -42L);
    }

    @Test
    void commandRoundTripsEveryValueType() {
        Command in = sampleCommand();
        Command out = CommandCodec.decode(CommandCodec.encode(in));
        assertEquals(in.kind(), out.kind());
        assertEquals(in.transaction(), out.transaction());
        assertEquals(in.timestampMillis(), out.timestampMillis());
        assertEquals(in.seed(), out.seed());
        assertEquals(in.statements().size(), out.statements().size());
        for (int i = 0; i < in.statements().size(); i++) {
            Statement a = in.statements().get(i);
            Statement b = out.statements().get(i);
            assertEquals(a.sql(), b.sql());
            assertValuesEqual(a.positional(), b.positional());
            assertEquals(new ArrayList<>(a.named().keySet()), new ArrayList<>(b.named().keySet()));
            assertValuesEqual(new ArrayList<>(a.named().values()), new ArrayList<>(b.named().values()));
        }
    }

    @Test
    void textIsEncodedAsUtf8ExactlyAsBeforeAndSizedUpFront() {
        String[] texts = {"plain ascii", "é and ü", "日本語", "emoji \uD83D\uDE00 pair", "lone \uD800 high", "lone \uDC00 low",
                "x".repeat(100_000)};
        for (String text : texts) {
            Command in = Command.execute(List.of(Statement.of("INSERT INTO t VALUES(?)", text),
                    new Statement("SELECT :k", null, Map.of("ké", text))), false, 1, 2);
            byte[] encoded = CommandCodec.encode(in);
            assertEquals(CommandCodec.encodedSize(in), encoded.length, "size computed before writing: " + text);
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            assertEquals(utf8.length, CommandCodec.utf8Length(text));
            assertTrue(indexOf(encoded, utf8) > 0, "the text's UTF-8 bytes, as String.getBytes writes them");
            String decoded = (String) CommandCodec.decode(encoded).statements().get(0).positional().get(0);
            assertEquals(new String(utf8, StandardCharsets.UTF_8), decoded);
        }
    }

    @Test
    void malformedUtf8InAnEntryIsRefused() {
        byte[] encoded = CommandCodec.encode(Command.execute(List.of(Statement.of("INSERT INTO t VALUES(?)", "abcé")),
                false, 1, 2));
        byte[] e9 = "é".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(encoded, e9);
        encoded[at + 1] = 'x'; // a lead byte without its continuation
        assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(encoded));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void loadCommandsKeepTheirPayload() {
        byte[] payload = "CREATE TABLE t(x);".getBytes(StandardCharsets.UTF_8);
        for (Command.Kind kind : List.of(Command.Kind.LOAD_DATABASE, Command.Kind.LOAD_SQL)) {
            Command out = CommandCodec.decode(CommandCodec.encode(new Command(kind, false, 5, 6, List.of(), payload)));
            assertEquals(kind, out.kind());
            assertArrayEquals(payload, out.payload());
        }
    }

    @Test
    void resultRoundTripsAllResultKinds() {
        QueryResult q = new QueryResult(List.of("id", "name", "data", "r"), List.of("integer", "text", "blob", "real"),
                List.of(Arrays.asList(1L, "a", BLOB, 1.5), Arrays.asList(2L, null, null, null)), 0.25);
        CommandResult in = new CommandResult(List.of(new ExecuteResult(7, 1, 0.001), q, new ErrorResult("no such table: bar")),
                null, 99);
        CommandResult out = ResultCodec.decode(ResultCodec.encode(in));
        assertEquals(99, out.raftIndex());
        assertEquals(null, out.error());
        assertEquals(in.results().get(0), out.results().get(0));
        assertEquals(in.results().get(2), out.results().get(2));
        QueryResult q2 = (QueryResult) out.results().get(1);
        assertEquals(q.columns(), q2.columns());
        assertEquals(q.types(), q2.types());
        assertEquals(q.timeSeconds(), q2.timeSeconds());
        for (int i = 0; i < q.rows().size(); i++) {
            assertValuesEqual(q.rows().get(i), q2.rows().get(i));
        }
        CommandResult refused = ResultCodec.decode(ResultCodec.encode(new CommandResult(List.of(), "invalid SQLite data", 3)));
        assertEquals("invalid SQLite data", refused.error());
    }

    @Test
    void everyTruncationIsRejected() {
        byte[] cmd = CommandCodec.encode(sampleCommand());
        for (int len = 0; len < cmd.length; len++) {
            byte[] cut = Arrays.copyOf(cmd, len);
            assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(cut), "length " + len);
        }
        byte[] res = ResultCodec.encode(new CommandResult(List.of(new ExecuteResult(1, 1, 0),
                new QueryResult(List.of("a"), List.of("text"), List.of(List.of("v")), 0)), "e", 4));
        for (int len = 0; len < res.length; len++) {
            byte[] cut = Arrays.copyOf(res, len);
            assertThrows(IllegalArgumentException.class, () -> ResultCodec.decode(cut), "length " + len);
        }
    }

    @Test
    void trailingBytesWrongVersionAndNullAreRejected() {
        byte[] cmd = CommandCodec.encode(sampleCommand());
        assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(Arrays.copyOf(cmd, cmd.length + 1)));
        byte[] wrongVersion = cmd.clone();
        wrongVersion[0] = 99;
        assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(wrongVersion));
        assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(null));
        assertThrows(IllegalArgumentException.class, () -> ResultCodec.decode(new byte[0]));
    }

    @Test
    void hugeLengthPrefixIsRejectedWithoutAllocating() {
        // version, kind EXECUTE, tx, timestamp, seed, then a statement count of Integer.MAX_VALUE
        byte[] hostile = ByteBuffer.allocate(1 + 1 + 1 + 8 + 8 + 4)
                .put((byte) 1).put((byte) 0).put((byte) 0).putLong(0).putLong(0).putInt(Integer.MAX_VALUE).array();
        assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(hostile));
        byte[] hostileResult = ByteBuffer.allocate(5).put((byte) 1).putInt(Integer.MAX_VALUE).array();
        assertThrows(IllegalArgumentException.class, () -> ResultCodec.decode(hostileResult));
        byte[] negative = ByteBuffer.allocate(5).put((byte) 1).putInt(-1).array();
        assertThrows(IllegalArgumentException.class, () -> ResultCodec.decode(negative));
    }

    @Test
    void randomGarbageOnlyEverThrowsIllegalArgument() {
        Random random = new Random(1234);
        byte[] valid = CommandCodec.encode(sampleCommand());
        for (int i = 0; i < 20_000; i++) {
            byte[] garbage;
            if (i % 2 == 0) {
                garbage = new byte[random.nextInt(64)];
                random.nextBytes(garbage);
                if (garbage.length > 0) {
                    garbage[0] = 1; // get past the version check most of the time
                }
            } else {
                garbage = valid.clone();
                garbage[random.nextInt(garbage.length)] = (byte) random.nextInt();
            }
            decodeExpectingOnlyIllegalArgument(garbage);
        }
    }

    private static void decodeExpectingOnlyIllegalArgument(byte[] bytes) {
        try {
            CommandCodec.decode(bytes);
        } catch (IllegalArgumentException expected) {
            // fine
        }
        try {
            ResultCodec.decode(bytes);
        } catch (IllegalArgumentException expected) {
            // fine
        }
    }

    private static void assertValuesEqual(List<Object> expected, List<Object> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            Object e = expected.get(i);
            Object a = actual.get(i);
            if (e instanceof byte[] eb) {
                assertTrue(a instanceof byte[]);
                assertArrayEquals(eb, (byte[]) a);
            } else {
                assertEquals(e, a);
            }
        }
    }

    @Test
    void aGroupCommitEntryCarriesEachCommandWhole() {
        Command a = sampleCommand();
        Command b = Command.query(List.of(Statement.of("SELECT 1")), false, 5, 6);
        byte[] entry = CommandCodec.encodeBatch(List.of(CommandCodec.encode(a), CommandCodec.encode(b)));
        assertTrue(CommandCodec.isBatch(entry));
        List<Command> out = CommandCodec.decodeEntry(entry);
        assertEquals(2, out.size());
        assertArrayEquals(CommandCodec.encode(a), CommandCodec.encode(out.get(0)));
        assertArrayEquals(CommandCodec.encode(b), CommandCodec.encode(out.get(1)));

        byte[] single = CommandCodec.encode(a);
        assertArrayEquals(single, CommandCodec.encodeBatch(List.of(single)), "one command keeps the single format");
        assertEquals(1, CommandCodec.decodeEntry(single).size());
        assertThrows(IllegalArgumentException.class, () -> CommandCodec.encodeBatch(List.of()));

        assertThrows(IllegalArgumentException.class, () -> CommandCodec.decodeEntry(Arrays.copyOf(entry, entry.length - 1)));
        byte[] trailing = Arrays.copyOf(entry, entry.length + 1);
        assertThrows(IllegalArgumentException.class, () -> CommandCodec.decodeEntry(trailing));
        byte[] lone = ByteBuffer.allocate(5 + 4 + single.length).put(CommandCodec.BATCH).putInt(1)
                .putInt(single.length).put(single).array();
        assertThrows(IllegalArgumentException.class, () -> CommandCodec.decodeEntry(lone), "a group of one is not written");
        byte[] hostile = ByteBuffer.allocate(5).put(CommandCodec.BATCH).putInt(Integer.MAX_VALUE).array();
        assertThrows(IllegalArgumentException.class, () -> CommandCodec.decodeEntry(hostile));
    }

    @Test
    void aGroupCommitResultRoundTrips() {
        List<CommandResult> in = List.of(
                new CommandResult(List.of(new ExecuteResult(3, 1, 0.5)), null, 9),
                new CommandResult(List.of(new ErrorResult("no such table: x", 0.1)), null, 9),
                new CommandResult(List.of(), "not a valid SQLite database", 9));
        List<CommandResult> out = ResultCodec.decodeBatch(ResultCodec.encodeBatch(in));
        assertEquals(in, out);
        byte[] single = ResultCodec.encode(in.get(0));
        assertThrows(IllegalArgumentException.class, () -> ResultCodec.decodeBatch(single));
        byte[] batch = ResultCodec.encodeBatch(in);
        assertThrows(IllegalArgumentException.class, () -> ResultCodec.decodeBatch(Arrays.copyOf(batch, batch.length - 2)));
    }
}

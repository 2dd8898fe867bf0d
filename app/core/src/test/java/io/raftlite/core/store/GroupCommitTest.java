package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandCodec;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.ExecuteResult;
import io.raftlite.core.command.ResultCodec;
import io.raftlite.core.command.Statement;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link GroupCommit} against a sender whose replies the test completes by hand. */
class GroupCommitTest {

    /** Records every entry sent; the test answers them by applying the commands in a fake way. */
    private static final class FakeLog implements GroupCommit.Sender {
        final List<byte[]> entries = new ArrayList<>();
        final List<CompletableFuture<byte[]>> replies = new ArrayList<>();

        @Override
        public synchronized CompletableFuture<byte[]> send(byte[] entry) {
            entries.add(entry);
            CompletableFuture<byte[]> reply = new CompletableFuture<>();
            replies.add(reply);
            return reply;
        }

        /** Answers entry {@code i} as the state machine would: result n's lastInsertId is its command's seed. */
        void apply(int i, long raftIndex) {
            byte[] entry = entries.get(i);
            List<CommandResult> results = CommandCodec.decodeEntry(entry).stream()
                    .map(c -> new CommandResult(List.of(new ExecuteResult(c.seed(), 1, 0)), null, raftIndex)).toList();
            replies.get(i).complete(CommandCodec.isBatch(entry)
                    ? ResultCodec.encodeBatch(results) : ResultCodec.encode(results.get(0)));
        }
    }

    private static Command write(long seed) {
        return Command.execute(List.of(Statement.of("INSERT INTO t VALUES(?)", seed)), false, 1000, seed);
    }

    private static long seedOf(CompletableFuture<CommandResult> f) throws Exception {
        return ((ExecuteResult) f.get().results().get(0)).lastInsertId();
    }

    @Test
    void aLoneWriteGoesOutAtOnceAsASingleCommandEntry() throws Exception {
        FakeLog log = new FakeLog();
        GroupCommit gc = new GroupCommit(log, 1, 1 << 20, Runnable::run);
        CompletableFuture<CommandResult> f = gc.submit(write(7));
        assertEquals(1, log.entries.size());
        assertArrayEquals(CommandCodec.encode(write(7)), log.entries.get(0), "not wrapped in a group");
        log.apply(0, 12);
        assertEquals(7, seedOf(f));
        assertEquals(12, f.get().raftIndex());
        assertEquals(0, gc.inFlight());
    }

    @Test
    void writesArrivingWhileOneIsInFlightShareTheNextEntryAndGetTheirOwnResults() throws Exception {
        FakeLog log = new FakeLog();
        GroupCommit gc = new GroupCommit(log, 1, 1 << 20, Runnable::run);
        CompletableFuture<CommandResult> first = gc.submit(write(1));
        List<CompletableFuture<CommandResult>> waiting = new ArrayList<>();
        for (long s = 2; s <= 6; s++) {
            waiting.add(gc.submit(write(s)));
        }
        assertEquals(1, log.entries.size(), "nothing more is sent while the slot is taken");
        assertFalse(waiting.get(0).isDone());

        log.apply(0, 10);
        assertEquals(1, seedOf(first));
        assertEquals(2, log.entries.size(), "the waiting writes went out together");
        List<Command> grouped = CommandCodec.decodeEntry(log.entries.get(1));
        assertEquals(List.of(2L, 3L, 4L, 5L, 6L), grouped.stream().map(Command::seed).toList(), "in arrival order");

        log.apply(1, 11);
        for (int i = 0; i < waiting.size(); i++) {
            assertEquals(i + 2, seedOf(waiting.get(i)));
            assertEquals(11, waiting.get(i).get().raftIndex());
        }
        assertEquals(0, gc.inFlight());
    }

    /** Writes 2 and 3 sent together as entry 1, after write 1 (entry 0) was applied; entry 1 not answered yet. */
    private static List<CompletableFuture<CommandResult>> twoGroupedBehindOne(FakeLog log, GroupCommit gc) {
        gc.submit(write(1));
        List<CompletableFuture<CommandResult>> grouped = List.of(gc.submit(write(2)), gc.submit(write(3)));
        log.apply(0, 1);
        assertEquals(2, CommandCodec.decodeEntry(log.entries.get(1)).size());
        return grouped;
    }

    @Test
    void aFailedEntryFailsEachOfItsWritesAndTheNextEntryStillGoesOut() throws Exception {
        FakeLog log = new FakeLog();
        GroupCommit gc = new GroupCommit(log, 1, 1 << 20, Runnable::run);
        List<CompletableFuture<CommandResult>> grouped = twoGroupedBehindOne(log, gc);
        CompletableFuture<CommandResult> later = gc.submit(write(4));
        StoreException notLeader = new StoreException(StoreException.Reason.NOT_LEADER, "not the leader", null);
        log.replies.get(1).completeExceptionally(notLeader);
        for (CompletableFuture<CommandResult> f : grouped) {
            assertSame(notLeader, assertThrows(ExecutionException.class, f::get).getCause());
        }
        assertEquals(3, log.entries.size());
        log.apply(2, 3);
        assertEquals(4, seedOf(later));
    }

    @Test
    void aReplyWithTheWrongNumberOfResultsFailsEveryWriteOfTheEntry() throws Exception {
        FakeLog log = new FakeLog();
        GroupCommit gc = new GroupCommit(log, 1, 1 << 20, Runnable::run);
        List<CompletableFuture<CommandResult>> grouped = twoGroupedBehindOne(log, gc);
        log.replies.get(1).complete(ResultCodec.encodeBatch(List.of(new CommandResult(List.of(), null, 2))));
        for (CompletableFuture<CommandResult> f : grouped) {
            assertTrue(assertThrows(ExecutionException.class, f::get).getCause() instanceof IllegalStateException);
        }
        assertEquals(0, gc.inFlight());
    }

    @Test
    void theByteLimitSplitsGroupsAndAnOversizedWriteGoesAlone() throws Exception {
        long one = CommandCodec.encode(write(1)).length;
        FakeLog log = new FakeLog();
        GroupCommit gc = new GroupCommit(log, 1, 2 * one, Runnable::run);
        gc.submit(write(1));
        for (long s = 2; s <= 6; s++) {
            gc.submit(write(s));
        }
        Command big = Command.execute(List.of(Statement.of("INSERT INTO t VALUES(?)", "x".repeat(1000))), false, 1, 99);
        CompletableFuture<CommandResult> bigResult = gc.submit(big);
        for (int i = 0; i < 5; i++) {
            log.apply(i, i + 1);
        }
        assertEquals(List.of(1, 2, 2, 1, 1), log.entries.stream().map(e -> CommandCodec.decodeEntry(e).size()).toList());
        assertEquals(99, seedOf(bigResult));
    }

    @Test
    void moreSlotsSendMoreEntriesAtOnce() {
        FakeLog log = new FakeLog();
        GroupCommit gc = new GroupCommit(log, 2, 1 << 20, Runnable::run);
        gc.submit(write(1));
        gc.submit(write(2));
        gc.submit(write(3));
        gc.submit(write(4));
        assertEquals(2, log.entries.size());
        assertEquals(2, gc.inFlight());
        log.apply(1, 2);
        assertEquals(3, log.entries.size());
        assertEquals(2, CommandCodec.decodeEntry(log.entries.get(2)).size());
    }

    @Test
    void loadsAreNeverGrouped() throws Exception {
        FakeLog log = new FakeLog();
        GroupCommit gc = new GroupCommit(log, 1, 1 << 20, Runnable::run);
        gc.submit(write(1));
        Command load = new Command(Command.Kind.LOAD_SQL, false, 1, 5, List.of(), "CREATE TABLE x(y);".getBytes());
        CompletableFuture<CommandResult> loaded = gc.submit(load);
        assertEquals(2, log.entries.size(), "sent at once, beside the write in flight");
        assertArrayEquals(CommandCodec.encode(load), log.entries.get(1));
        log.replies.get(1).complete(ResultCodec.encode(new CommandResult(List.of(), null, 4)));
        assertEquals(4, loaded.get().raftIndex());
    }
}

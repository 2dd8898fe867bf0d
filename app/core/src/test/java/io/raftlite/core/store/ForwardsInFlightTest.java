package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandResult;
import io.raftlite.core.command.ExecuteResult;
import io.raftlite.core.command.ResultCodec;
import io.raftlite.core.command.Statement;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests forwarded to a leader that was replaced fail at once instead of waiting for it. */
class ForwardsInFlightTest {

    private static final RaftPeerId N1 = RaftPeerId.valueOf("n1");
    private static final RaftPeerId N2 = RaftPeerId.valueOf("n2");

    @Test
    void aRequestToTheOldLeaderFailsAsLeaderNotFoundWhenAnotherLeads() {
        ForwardsInFlight inFlight = new ForwardsInFlight();
        CompletableFuture<byte[]> toOld = inFlight.track(N1);
        CompletableFuture<byte[]> toNew = inFlight.track(N2);
        assertEquals(1, inFlight.leaderChanged(N2));
        ExecutionException e = assertThrows(ExecutionException.class, toOld::get);
        StoreException s = assertInstanceOf(StoreException.class, e.getCause());
        assertEquals(StoreException.Reason.NO_LEADER, s.reason());
        assertTrue(s.getMessage().startsWith("leader not found"), s.getMessage());
        assertFalse(toNew.isDone(), "a request to the new leader keeps waiting for its answer");
    }

    @Test
    void theSameLeaderAgainFailsNothingAndAnAnsweredRequestIsForgotten() {
        ForwardsInFlight inFlight = new ForwardsInFlight();
        CompletableFuture<byte[]> answered = inFlight.track(N1);
        CompletableFuture<byte[]> waiting = inFlight.track(N1);
        answered.complete(new byte[] {1});
        assertEquals(1, inFlight.size());
        assertEquals(0, inFlight.leaderChanged(N1));
        assertFalse(waiting.isDone());
        waiting.complete(new byte[] {2});
        assertEquals(0, inFlight.size());
        assertEquals(0, inFlight.leaderChanged(N2), "an answered request is not failed afterwards");
    }

    /**
     * The stall this fixes: a follower's group commit slot held by a write forwarded to a leader that stopped
     * answering; the writes behind it go out as soon as the node learns of the new leader.
     */
    @Test
    void aWriteForwardedToTheOldLeaderNoLongerHoldsGroupCommitsSlot() throws Exception {
        ForwardsInFlight inFlight = new ForwardsInFlight();
        List<RaftPeerId> sentTo = new ArrayList<>();
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        RaftPeerId[] leader = {N1};
        GroupCommit gc = new GroupCommit(entry -> {
            sentTo.add(leader[0]);
            replies.add(inFlight.track(leader[0]));
            return replies.get(replies.size() - 1);
        }, 1, 1 << 20, Runnable::run);
        CompletableFuture<CommandResult> stuck = gc.submit(write(1));
        CompletableFuture<CommandResult> behind = gc.submit(write(2));
        assertEquals(List.of(N1), sentTo, "the second write waits for the slot");
        leader[0] = N2;
        inFlight.leaderChanged(N2);
        StoreException e = assertInstanceOf(StoreException.class,
                assertThrows(ExecutionException.class, stuck::get).getCause());
        assertEquals(StoreException.Reason.NO_LEADER, e.reason());
        assertEquals(List.of(N1, N2), sentTo, "the write behind it went to the new leader at once");
        replies.get(1).complete(ResultCodec.encode(new CommandResult(List.of(new ExecuteResult(2, 1, 0)), null, 5)));
        assertEquals(5, behind.get().raftIndex());
    }

    private static Command write(long seed) {
        return Command.execute(List.of(Statement.of("INSERT INTO t VALUES(?)", seed)), false, 1000, seed);
    }
}

package io.raftlite.core.store;

import org.apache.ratis.server.protocol.TermIndex;
import org.junit.jupiter.api.Test;

import static io.raftlite.core.store.SnapshotFallbackLogAppender.sendsSnapshot;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the RATIS-2487 workaround sends a snapshot that Ratis 3.2.2 would not. */
class SnapshotFallbackLogAppenderTest {

    // the leader's log holds [23, 150)

    @Test
    void sendsTheSnapshotWhenTheFollowerNeedsTheLogStartAndItsPredecessorIsGone() {
        assertTrue(sendsSnapshot(23, 0, 22, 23, 150, null));
        assertTrue(sendsSnapshot(23, 0, -1, 23, 150, null), "the follower's commit is not known yet");
    }

    @Test
    void otherwiseLeavesItToRatis() {
        assertFalse(sendsSnapshot(23, 0, 22, 23, 150, TermIndex.valueOf(1, 22)), "the previous entry is known");
        assertFalse(sendsSnapshot(24, 0, 22, 23, 150, null), "the leader has the previous entry");
        assertFalse(sendsSnapshot(10, 0, 9, 23, 150, null), "below the start: Ratis sends the snapshot itself");
        assertFalse(sendsSnapshot(150, 0, 149, 150, 150, null), "the follower has everything");
        assertFalse(sendsSnapshot(23, 22, 22, 23, 150, null),
                "right after the snapshot it installed: Ratis sends entries without the previous one (RATIS-2500)");
        assertFalse(sendsSnapshot(23, 0, 23, 23, 150, null),
                "it committed the entry it supposedly needs: it is ahead, and would answer ALREADY_INSTALLED");
        assertFalse(sendsSnapshot(0, -1, -1, 0, 150, null), "the very first entry has no predecessor");
    }
}

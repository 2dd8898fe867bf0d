package io.raftlite.core.store;

import org.apache.ratis.server.protocol.TermIndex;
import org.junit.jupiter.api.Test;

import static io.raftlite.core.store.SnapshotFallbackLogAppender.previousEntryIsGone;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the RATIS-2487 workaround sends a snapshot that Ratis 3.2.2 would not. */
class SnapshotFallbackLogAppenderTest {

    @Test
    void sendsTheSnapshotWhenTheFollowerNeedsTheLogStartAndItsPredecessorIsGone() {
        // follower next 23, leader log [23, 150), entry 22 neither in the log nor the snapshot's last
        assertTrue(previousEntryIsGone(23, 0, 23, 150, null));
    }

    @Test
    void otherwiseLeavesItToRatis() {
        assertFalse(previousEntryIsGone(23, 0, 23, 150, TermIndex.valueOf(1, 22)), "the previous entry is known");
        assertFalse(previousEntryIsGone(24, 0, 23, 150, null), "the leader has the previous entry's successor");
        assertFalse(previousEntryIsGone(10, 0, 23, 150, null), "below the start: Ratis sends the snapshot itself");
        assertFalse(previousEntryIsGone(150, 0, 150, 150, null), "the follower has everything");
        assertFalse(previousEntryIsGone(23, 22, 23, 150, null),
                "right after the snapshot it installed: Ratis sends entries without the previous one (RATIS-2500)");
        assertFalse(previousEntryIsGone(0, -1, 0, 150, null), "the very first entry has no predecessor");
    }
}

package io.raftlite.core.workaround;

import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;

/**
 * WORKAROUND for a race in Ratis' {@code SimpleStateMachineStorage} (3.2.2 and 3.3.0; no upstream issue found,
 * RATIS-2048 fixed a different NPE there in 3.1.0). Delete when
 * {@code LockedSnapshotStorageTest.stockStorageThrowsWhenAnEmptyScanFollowsARecord} fails.
 *
 * <p>{@code getLatestSnapshot} scans the directory while no snapshot is recorded and records what it found with
 * {@code updateLatestSnapshot(found)}. When it found none ({@code null}) and a snapshot was recorded meanwhile by
 * {@code takeSnapshot}, that update's comparison throws a NullPointerException. The caller was a leader's log
 * appender ({@code shouldInstallSnapshot}), whose daemon thread then died for good: that follower got no entry
 * again (seen once in CI and once in a rehearsal, right after the first snapshot of a cluster that was still
 * forming; Ratis 3.3.0 restarts a failed appender, but the race is the same). Here the lookup and every update
 * take one lock, and an empty scan records nothing.
 */
public class LockedSnapshotStorage extends SimpleStateMachineStorage {

    @Override
    public synchronized SingleFileSnapshotInfo getLatestSnapshot() {
        return super.getLatestSnapshot();
    }

    @Override
    public synchronized SingleFileSnapshotInfo loadLatestSnapshot() {
        return super.loadLatestSnapshot();
    }

    @Override
    public synchronized SingleFileSnapshotInfo updateLatestSnapshot(SingleFileSnapshotInfo info) {
        return info == null ? null : super.updateLatestSnapshot(info);
    }
}

package io.raftlite.server.faults;

import io.raftlite.server.faults.Linearizability.Op;
import io.raftlite.server.faults.Linearizability.Verdict;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The checker must accept what a correct register can produce and reject what it cannot. */
class LinearizabilityTest {

    private static final long INF = Long.MAX_VALUE;
    private static final long BUDGET = 1_000_000;

    private static Verdict check(Op... ops) {
        return Linearizability.check(List.of(ops), 0, BUDGET);
    }

    @Test
    void acceptsAConcurrentHistoryWhoseReadsOverlapTheWrites() {
        assertEquals(Verdict.LINEARIZABLE, check(
                Op.write(1, 0, 10),
                Op.read(0, 1, 2),          // before the write took effect
                Op.read(1, 3, 4),          // after
                Op.cas(1, 2, true, 5, 20),
                Op.read(1, 6, 7),          // the CAS has not taken effect yet
                Op.read(2, 8, 9),          // now it has
                Op.cas(1, 3, false, 11, 12),
                Op.write(4, 13, 30),
                Op.read(2, 14, 15),
                Op.read(4, 31, 32)));
    }

    @Test
    void rejectsAStaleReadAfterAnAcknowledgedWrite() {
        assertEquals(Verdict.VIOLATION, check(
                Op.write(1, 0, 1),
                Op.read(0, 2, 3)));
    }

    @Test
    void rejectsAValueThatComesBackAfterItWasOverwritten() {
        assertEquals(Verdict.VIOLATION, check(
                Op.write(1, 0, 10),
                Op.read(0, 1, 2),
                Op.read(1, 3, 4),
                Op.read(0, 5, 6)));
    }

    @Test
    void rejectsAFailedCompareAndSetThatShouldHaveSucceeded() {
        assertEquals(Verdict.VIOLATION, check(
                Op.write(1, 0, 1),
                Op.cas(1, 2, false, 2, 3)));
        assertEquals(Verdict.VIOLATION, check(
                Op.cas(5, 6, true, 0, 1))); // succeeded though the register held 0
    }

    @Test
    void anIndeterminateWriteMayTakeEffectLateOrNever() {
        assertEquals(Verdict.LINEARIZABLE, check(
                Op.write(5, 0, INF),
                Op.read(0, 1, 2),
                Op.read(5, 10, 11)));
        assertEquals(Verdict.LINEARIZABLE, check(
                Op.write(5, 0, INF),
                Op.read(0, 10, 11)));
        // but once seen it cannot be undone
        assertEquals(Verdict.VIOLATION, check(
                Op.write(5, 0, INF),
                Op.read(5, 10, 11),
                Op.read(0, 12, 13)));
    }

    @Test
    void anIndeterminateCompareAndSetAppliesOnlyWhenItsExpectedValueIsThere() {
        assertEquals(Verdict.LINEARIZABLE, check(
                Op.cas(0, 7, false, 0, INF),
                Op.read(7, 5, 6)));
        assertEquals(Verdict.VIOLATION, check(
                Op.write(3, 0, 1),
                Op.cas(0, 7, false, 2, INF),
                Op.read(7, 5, 6)));
    }

    @Test
    void unobservedIndeterminateWritesAreSetAsideOnlyWhenThatSettlesIt() {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ops.add(Op.write(1000 + i, i, INF)); // 200 writes that may or may not have happened, never seen
        }
        ops.add(Op.write(1, 300, 301));
        ops.add(Op.read(1, 302, 303));
        assertEquals(Verdict.LINEARIZABLE, Linearizability.checkReduced(ops, 0, BUDGET));
        // a failed compare-and-set that only an unseen write explains: the whole history decides, and accepts it
        List<Op> explained = List.of(Op.write(1, 0, 1), Op.write(9, 2, INF), Op.cas(1, 2, false, 5, 6));
        assertEquals(Verdict.LINEARIZABLE, Linearizability.checkReduced(explained, 0, BUDGET));
        List<Op> unexplained = List.of(Op.write(1, 0, 1), Op.cas(1, 2, false, 5, 6));
        assertEquals(Verdict.VIOLATION, Linearizability.checkReduced(unexplained, 0, BUDGET));
    }

    @Test
    void aLongSequentialHistoryOfACorrectRegisterPassesAndOneWrongReadInItFails() {
        Random rnd = new Random(7);
        List<Op> ops = new ArrayList<>();
        long state = 0;
        long t = 0;
        for (int i = 0; i < 2_000; i++) {
            long v = rnd.nextInt(4);
            switch (rnd.nextInt(3)) {
                case 0 -> ops.add(Op.read(state, t, t + 3));
                case 1 -> {
                    ops.add(Op.write(v, t, t + 3));
                    state = v;
                }
                default -> {
                    boolean ok = state == v;
                    ops.add(Op.cas(v, v + 1, ok, t, t + 3));
                    state = ok ? v + 1 : state;
                }
            }
            t += 2; // each operation overlaps the next
        }
        assertEquals(Verdict.LINEARIZABLE, Linearizability.check(ops, 0, BUDGET));
        ops.add(Op.read(state + 100, t + 10, t + 11));
        assertEquals(Verdict.VIOLATION, Linearizability.check(ops, 0, BUDGET));
    }
}

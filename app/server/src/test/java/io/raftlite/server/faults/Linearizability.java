package io.raftlite.server.faults;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The Wing–Gong–Lowe linearizability check (as in Lowe's "Testing for linearizability" and Porcupine) for one
 * register with read, write and compare-and-set. An indeterminate operation (timeout, connection error, 5xx: it
 * may or may not have taken effect) returns at infinity with an unknown result: it may be linearized anywhere
 * after its call, or never (placed after every other operation, where it changes nothing observed). The search
 * linearizes the earliest pending call whose step the model accepts, caches (linearized set, state) pairs it
 * has tried, and backtracks when a return is reached before its call could be linearized.
 */
final class Linearizability {

    enum Kind { READ, WRITE, CAS }

    enum Verdict { LINEARIZABLE, VIOLATION, UNKNOWN }

    /**
     * One operation. For READ {@code value} is what it read; for WRITE what it wrote; for CAS the new value
     * and {@code expected} the value compared with; {@code ok} the CAS outcome (ignored unless determinate).
     * {@code ret} is {@link Long#MAX_VALUE} for an indeterminate operation.
     */
    record Op(Kind kind, long value, long expected, boolean ok, long call, long ret) {
        boolean indeterminate() {
            return ret == Long.MAX_VALUE;
        }

        static Op read(long value, long call, long ret) {
            return new Op(Kind.READ, value, 0, true, call, ret);
        }

        static Op write(long value, long call, long ret) {
            return new Op(Kind.WRITE, value, 0, true, call, ret);
        }

        static Op cas(long expected, long value, boolean ok, long call, long ret) {
            return new Op(Kind.CAS, value, expected, ok, call, ret);
        }

        @Override
        public String toString() {
            String what = switch (kind) {
                case READ -> "read " + value;
                case WRITE -> "write " + value;
                case CAS -> "cas " + expected + "->" + value + (indeterminate() ? "" : ok ? " ok" : " fail");
            };
            return what + " [" + call + ", " + (indeterminate() ? "?" : Long.toString(ret)) + "]";
        }
    }

    private static final class Entry {
        final int id;
        final boolean call;
        final long time;
        Entry match;
        Entry prev;
        Entry next;

        Entry(int id, boolean call, long time) {
            this.id = id;
            this.call = call;
            this.time = time;
        }
    }

    private record Frame(Entry entry, long state) {
    }

    private record Seen(BitSet linearized, long state) {
    }

    private Linearizability() {
    }

    /** The model: the register's state after {@code op} from {@code state}, or null when op cannot happen there. */
    static Long step(long state, Op op) {
        return switch (op.kind()) {
            case READ -> op.value() == state ? state : null;
            case WRITE -> op.value();
            case CAS -> {
                if (op.indeterminate()) {
                    yield state == op.expected() ? op.value() : state;
                }
                if (op.ok()) {
                    yield state == op.expected() ? op.value() : null;
                }
                yield state != op.expected() ? state : null;
            }
        };
    }

    /**
     * Checks one key's history, first without the indeterminate writes nobody observed (whose value no read
     * returned and no successful compare-and-set expected): dropping them is choosing "never happened", one
     * of their two possible fates, so a LINEARIZABLE answer then holds for the whole history. Any other answer
     * is settled on the whole history. Each such operation would otherwise stay pending to the end and multiply
     * the search.
     */
    static Verdict checkReduced(List<Op> history, long initial, long budget) {
        Set<Long> observed = new HashSet<>();
        for (Op op : history) {
            if (op.kind() == Kind.READ) {
                observed.add(op.value());
            } else if (op.kind() == Kind.CAS && !op.indeterminate() && op.ok()) {
                observed.add(op.expected());
            }
        }
        List<Op> reduced = history.stream().filter(op -> !op.indeterminate() || observed.contains(op.value())).toList();
        if (reduced.size() < history.size() && check(reduced, initial, budget) == Verdict.LINEARIZABLE) {
            return Verdict.LINEARIZABLE;
        }
        return check(history, initial, budget);
    }

    /** Checks one key's history from {@code initial}; UNKNOWN when {@code budget} search steps were not enough. */
    static Verdict check(List<Op> history, long initial, long budget) {
        Entry head = build(history);
        int finite = (int) history.stream().filter(o -> !o.indeterminate()).count();
        BitSet linearized = new BitSet(history.size());
        Set<Seen> cache = new HashSet<>();
        Deque<Frame> stack = new ArrayDeque<>();
        long state = initial;
        Entry entry = head.next;
        while (finite > 0) {
            if (budget-- <= 0) {
                return Verdict.UNKNOWN;
            }
            if (entry.call) {
                Op op = history.get(entry.id);
                Long next = step(state, op);
                if (next != null) {
                    BitSet after = (BitSet) linearized.clone();
                    after.set(entry.id);
                    if (cache.add(new Seen(after, next))) {
                        stack.push(new Frame(entry, state));
                        state = next;
                        linearized.set(entry.id);
                        lift(entry);
                        finite -= op.indeterminate() ? 0 : 1;
                        entry = head.next;
                        continue;
                    }
                }
                entry = entry.next;
            } else {
                if (stack.isEmpty()) {
                    return Verdict.VIOLATION;
                }
                Frame top = stack.pop();
                state = top.state();
                linearized.clear(top.entry().id);
                unlift(top.entry());
                finite += history.get(top.entry().id).indeterminate() ? 0 : 1;
                entry = top.entry().next;
            }
        }
        return Verdict.LINEARIZABLE;
    }

    /** A doubly linked list of calls and returns in time order (a call before a return at the same instant). */
    private static Entry build(List<Op> history) {
        List<Entry> events = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            Op op = history.get(i);
            Entry call = new Entry(i, true, op.call());
            Entry ret = new Entry(i, false, op.ret());
            call.match = ret;
            events.add(call);
            events.add(ret);
        }
        events.sort(Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> !e.call));
        Entry head = new Entry(-1, false, Long.MIN_VALUE);
        Entry prev = head;
        for (Entry e : events) {
            prev.next = e;
            e.prev = prev;
            prev = e;
        }
        return head;
    }

    private static void lift(Entry call) {
        call.prev.next = call.next;
        call.next.prev = call.prev;
        Entry ret = call.match;
        ret.prev.next = ret.next;
        if (ret.next != null) {
            ret.next.prev = ret.prev;
        }
    }

    private static void unlift(Entry call) {
        Entry ret = call.match;
        ret.prev.next = ret;
        if (ret.next != null) {
            ret.next.prev = ret;
        }
        call.prev.next = call;
        call.next.prev = call;
    }
}

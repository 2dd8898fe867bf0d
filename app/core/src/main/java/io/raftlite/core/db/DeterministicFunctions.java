package io.raftlite.core.db;

import org.sqlite.Function;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Application-defined functions on the write connection that replace SQLite's non-deterministic
 * built-ins by values derived from the log entry being applied ({@link EntryContext}): {@code random()}
 * and {@code randomblob(N)} draw from a {@link SplittableRandom} seeded with the entry's seed, and
 * {@code 'now'} (also {@code CURRENT_TIMESTAMP}/{@code CURRENT_DATE}/{@code CURRENT_TIME}, which SQLite
 * parses as calls to the same-named functions) is the entry's timestamp. Date/time results are computed
 * by SQLite's own built-ins ({@link BuiltinDateTime}), with {@code 'now'} replaced by the entry's instant
 * written as {@code YYYY-MM-DD HH:MM:SS.SSS} UTC: like {@code 'now'} it is a text time value with
 * millisecond resolution, so modifiers such as {@code 'unixepoch'} behave the same. The
 * {@code 'localtime'} and {@code 'utc'} modifiers, which depend on the host's time zone, are no-ops
 * here (local time is UTC on the write path).
 */
final class DeterministicFunctions {

    private static final int FLAG_INNOCUOUS = 0x200000;
    private static final DateTimeFormatter INSTANT_TEXT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private final BuiltinDateTime builtin;
    private EntryContext context;
    private SplittableRandom random;
    private String nowText;
    /** Results of calls that used the entry's 'now', per entry: a DEFAULT CURRENT_TIMESTAMP costs one builtin call per entry. */
    private final java.util.Map<List<Object>, Object> nowResults = new java.util.HashMap<>();
    private static final int MAX_NOW_RESULTS = 256;

    /** The largest randomblob(N), SQLITE_LIMIT_LENGTH of the write connection: checked before allocating it. */
    private final int maxBlob;

    DeterministicFunctions(BuiltinDateTime builtin, int maxBlob) {
        this.builtin = builtin;
        this.maxBlob = maxBlob;
    }

    /** Makes {@code ctx} the entry whose time and seed the functions use, until {@link #end()}. */
    void begin(EntryContext ctx) {
        context = java.util.Objects.requireNonNull(ctx, "entry context");
        // both made on first use from the entry alone: most entries call neither, and formatting the time
        // for every entry was a visible share of the apply thread's allocations (issue 16)
        random = null;
        nowText = null;
        nowResults.clear();
    }

    void end() {
        nowResults.clear();
        context = null;
        random = null;
        nowText = null;
    }

    /** Registers the overrides on {@code conn} (the write connection, after every (re)open). */
    void register(Connection conn) throws SQLException {
        Function.create(conn, "random", fn(f -> f.set(random().nextLong())), 0, FLAG_INNOCUOUS);
        Function.create(conn, "randomblob", fn(this::randomBlob), 1, FLAG_INNOCUOUS);
        int timeFlags = Function.FLAG_DETERMINISTIC | FLAG_INNOCUOUS;
        Function.create(conn, "current_timestamp", timeFunction("datetime"), 0, timeFlags);
        Function.create(conn, "current_date", timeFunction("date"), 0, timeFlags);
        Function.create(conn, "current_time", timeFunction("time"), 0, timeFlags);
        for (String name : List.of("date", "time", "datetime", "julianday", "unixepoch", "strftime", "timediff")) {
            Function.create(conn, name, timeFunction(name), -1, timeFlags);
        }
    }

    /** A date function, computed by the built-in on {@link #timeArguments rewritten} arguments. */
    private Function timeFunction(String name) {
        return fn(f -> {
            List<Object> args = timeArguments(name, arguments(f), now());
            if (!args.contains(nowText)) {
                f.set(builtin.call(name, args));
                return;
            }
            List<Object> key = new ArrayList<>(args.size() + 1);
            key.add(name);
            key.addAll(args);
            Object value = nowResults.containsKey(key) ? nowResults.get(key) : builtin.call(name, args);
            if (nowResults.size() < MAX_NOW_RESULTS) {
                nowResults.put(key, value);
            }
            f.set(value);
        });
    }

    /**
     * The arguments with every time value equal to {@code 'now'} (or a missing one) replaced by
     * {@code nowText}, and every {@code 'localtime'}/{@code 'utc'} modifier (which depend on the host's
     * time zone) replaced by the no-op {@code '+0 seconds'}: on the write path local time is UTC on
     * every host, so replicas in different zones cannot diverge.
     */
    static List<Object> timeArguments(String name, List<Object> in, String nowText) {
        List<Object> args = new ArrayList<>(in);
        int firstTime = name.equals("strftime") ? 1 : 0;
        int lastTime = name.equals("timediff") ? 1 : firstTime;
        if (args.size() == firstTime && !name.equals("timediff")) {
            args.add(nowText);
        }
        for (int i = firstTime; i < args.size(); i++) {
            if (!(args.get(i) instanceof String s)) {
                continue;
            }
            if (i <= lastTime && s.equalsIgnoreCase("now")) {
                args.set(i, nowText);
            } else if (i > lastTime && (s.equalsIgnoreCase("localtime") || s.equalsIgnoreCase("utc"))) {
                args.set(i, "+0 seconds");
            }
        }
        return args;
    }

    private void randomBlob(Access f) throws SQLException {
        long n = f.count() == 1 ? Math.max(1, f.valueLong(0)) : 1;
        if (n > maxBlob) {
            f.fail("string or blob too big");
            return;
        }
        byte[] bytes = new byte[(int) n];
        random().nextBytes(bytes);
        f.set(bytes);
    }

    private static List<Object> arguments(Access f) throws SQLException {
        List<Object> args = new ArrayList<>();
        for (int i = 0; i < f.count(); i++) {
            args.add(f.value(i));
        }
        return args;
    }

    private SplittableRandom random() throws SQLException {
        if (context == null) {
            throw new SQLException("no log entry is being applied");
        }
        if (random == null) {
            random = new SplittableRandom(context.seed());
        }
        return random;
    }

    private String now() throws SQLException {
        if (context == null) {
            throw new SQLException("no log entry is being applied");
        }
        if (nowText == null) {
            nowText = INSTANT_TEXT.format(Instant.ofEpochMilli(context.timestampMillis()));
        }
        return nowText;
    }

    /** The body of a function. */
    @FunctionalInterface
    private interface Body {
        void run(Access f) throws SQLException;
    }

    private static Function fn(Body body) {
        return new Access() {
            @Override
            protected void xFunc() throws SQLException {
                body.run(this);
            }
        };
    }

    /** A {@link Function} whose protected accessors the bodies above may call. */
    private abstract static class Access extends Function {

        int count() throws SQLException {
            return args();
        }

        long valueLong(int i) throws SQLException {
            return value_long(i);
        }

        /** Argument {@code i} as null, Long, Double, String or byte[], by its storage class. */
        Object value(int i) throws SQLException {
            switch (value_type(i)) {
                case 1: return value_long(i);
                case 2: return value_double(i);
                case 4: return value_blob(i);
                case 5: return null;
                default: return value_text(i);
            }
        }

        void set(Object value) throws SQLException {
            if (value == null) {
                result();
            } else if (value instanceof Long l) {
                result(l.longValue());
            } else if (value instanceof Double d) {
                result(d.doubleValue());
            } else if (value instanceof byte[] b) {
                result(b);
            } else {
                result(value.toString());
            }
        }

        void fail(String message) throws SQLException {
            error(message);
        }
    }
}

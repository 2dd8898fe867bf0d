package io.raftlite.core.sql;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Splits a string holding several {@code ;}-separated statements into single statements, as
 * SQLite's own {@code sqlite3_complete()} would see them: semicolons inside literals, comments and
 * the {@code BEGIN ... END} body of a {@code CREATE TRIGGER} do not end a statement. Pieces holding
 * no token (only white space, comments or a stray {@code ;}) are dropped.
 */
public final class StatementSplitter {

    private StatementSplitter() {
    }

    private static final SqlCache<List<String>> CACHE = new SqlCache<>(StatementSplitter::splitUncached);

    /** The statements of {@code sql} in order, each without its terminating {@code ;} (an unmodifiable list). */
    public static List<String> split(String sql) {
        return CACHE.get(sql);
    }

    /**
     * The statements of {@code sql} one at a time, lexed as the caller iterates: what is held is one
     * statement's tokens, whatever the length of the text (a 2 MB dump of 80,000 statements lexed whole held
     * about 60 MB of tokens, more than the shipped heap). For long texts, where {@link #split} would hold every
     * statement at once.
     */
    public static Iterable<String> each(String sql) {
        return () -> new Pieces(sql);
    }

    private static List<String> splitUncached(String sql) {
        List<String> out = new ArrayList<>();
        each(sql).forEach(out::add);
        return List.copyOf(out);
    }

    /** The statements of one text, found token by token. */
    private static final class Pieces implements Iterator<String> {
        private final String sql;
        private final SqlLexer lexer;
        private String next;

        Pieces(String sql) {
            this.sql = sql;
            this.lexer = new SqlLexer(sql);
            this.next = advance();
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public String next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            String current = next;
            next = advance();
            return current;
        }

        /** The next statement holding a token, or null at the end of the text. */
        private String advance() {
            List<SqlToken> current = new ArrayList<>();
            for (SqlToken t = lexer.next(); t != null; t = lexer.next()) {
                if (t.isPunct(";") && depth(current) == 0) {
                    if (!current.isEmpty()) {
                        return piece(current);
                    }
                    continue;
                }
                current.add(t);
            }
            return current.isEmpty() ? null : piece(current);
        }

        private String piece(List<SqlToken> tokens) {
            return sql.substring(tokens.get(0).start(), tokens.get(tokens.size() - 1).end());
        }
    }

    /**
     * How deep inside a {@code CREATE TRIGGER}'s {@code BEGIN ... END} body the statement so far is: a {@code ;}
     * ends the statement only at depth 0. Other statements are always at depth 0.
     */
    private static int depth(List<SqlToken> tokens) {
        if (!isCreateTrigger(tokens, 0)) {
            return 0;
        }
        int depth = 0;
        for (SqlToken t : tokens) {
            if (t.isKeyword("BEGIN") || (depth > 0 && t.isKeyword("CASE"))) {
                depth++;
            } else if (depth > 0 && t.isKeyword("END")) {
                depth--;
            }
        }
        return depth;
    }

    private static boolean isCreateTrigger(List<SqlToken> tokens, int first) {
        if (first >= tokens.size() || !tokens.get(first).isKeyword("CREATE")) {
            return false;
        }
        int i = first + 1;
        if (i < tokens.size() && (tokens.get(i).isKeyword("TEMP") || tokens.get(i).isKeyword("TEMPORARY"))) {
            i++;
        }
        return i < tokens.size() && tokens.get(i).isKeyword("TRIGGER");
    }
}

package io.raftlite.core.sql;

import java.util.ArrayList;
import java.util.List;

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

    private static List<String> splitUncached(String sql) {
        List<SqlToken> tokens = SqlLexer.tokenize(sql);
        List<String> out = new ArrayList<>();
        int first = 0;
        while (first < tokens.size()) {
            int end = statementEnd(tokens, first);
            if (end > first) {
                out.add(sql.substring(tokens.get(first).start(), tokens.get(end - 1).end()));
            }
            first = end + 1;
        }
        return List.copyOf(out);
    }

    /** Index of the {@code ;} ending the statement that starts at {@code first} (or tokens.size()). */
    private static int statementEnd(List<SqlToken> tokens, int first) {
        boolean trigger = isCreateTrigger(tokens, first);
        int depth = 0;
        for (int i = first; i < tokens.size(); i++) {
            SqlToken t = tokens.get(i);
            if (t.isPunct(";") && depth == 0) {
                return i;
            }
            if (trigger) {
                if (t.isKeyword("BEGIN") || (depth > 0 && t.isKeyword("CASE"))) {
                    depth++;
                } else if (depth > 0 && t.isKeyword("END")) {
                    depth--;
                }
            }
        }
        return tokens.size();
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

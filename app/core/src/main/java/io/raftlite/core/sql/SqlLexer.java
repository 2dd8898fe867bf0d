package io.raftlite.core.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * A small SQLite lexer: enough to find statement boundaries, keywords and parameters without
 * being fooled by string literals, quoted identifiers or comments. It never fails: an
 * unterminated literal or comment simply runs to the end of the input (SQLite reports the error).
 */
public final class SqlLexer {

    private final String sql;
    private int pos;

    /** A lexer over {@code sql}, for callers that take its tokens one at a time ({@link #next}). */
    SqlLexer(String sql) {
        this.sql = sql;
    }

    /** All tokens of {@code sql}, comments and white space dropped. */
    public static List<SqlToken> tokenize(String sql) {
        SqlLexer lexer = new SqlLexer(sql);
        List<SqlToken> tokens = new ArrayList<>();
        SqlToken t;
        while ((t = lexer.next()) != null) {
            tokens.add(t);
        }
        return tokens;
    }

    /** The tokens of {@code sql}, lexed as the caller iterates: one token held at a time, whatever the length. */
    public static Iterable<SqlToken> each(String sql) {
        return () -> new java.util.Iterator<>() {
            private final SqlLexer lexer = new SqlLexer(sql);
            private SqlToken next = lexer.next();

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public SqlToken next() {
                if (next == null) {
                    throw new java.util.NoSuchElementException();
                }
                SqlToken t = next;
                next = lexer.next();
                return t;
            }
        };
    }

    /** The first token of {@code sql}, or null when it holds none; lexes nothing past it. */
    public static SqlToken first(String sql) {
        return new SqlLexer(sql).next();
    }

    /** The next token, or null at the end of the input. */
    SqlToken next() {
        skipSpaceAndComments();
        if (pos >= sql.length()) {
            return null;
        }
        int start = pos;
        char c = sql.charAt(pos);
        if ((c == 'x' || c == 'X') && pos + 1 < sql.length() && sql.charAt(pos + 1) == '\'') {
            pos++;
            quoted('\'');
            return new SqlToken(SqlToken.Kind.BLOB, sql.substring(start, pos), start, pos);
        }
        switch (c) {
            case '\'':
                return new SqlToken(SqlToken.Kind.STRING, quoted('\''), start, pos);
            case '"':
            case '`':
                return new SqlToken(SqlToken.Kind.QUOTED_ID, quoted(c), start, pos);
            case '[':
                return bracketed(start);
            case '?':
                pos++;
                while (pos < sql.length() && Character.isDigit(sql.charAt(pos))) {
                    pos++;
                }
                return new SqlToken(SqlToken.Kind.PARAM, sql.substring(start, pos), start, pos);
            case ':':
            case '@':
            case '$':
                pos++;
                while (pos < sql.length() && isIdentPart(sql.charAt(pos))) {
                    pos++;
                }
                return new SqlToken(SqlToken.Kind.PARAM, sql.substring(start, pos), start, pos);
            default:
                break;
        }
        if (Character.isDigit(c) || (c == '.' && pos + 1 < sql.length() && Character.isDigit(sql.charAt(pos + 1)))) {
            return number(start);
        }
        if (isIdentStart(c)) {
            while (pos < sql.length() && isIdentPart(sql.charAt(pos))) {
                pos++;
            }
            return new SqlToken(SqlToken.Kind.WORD, sql.substring(start, pos), start, pos);
        }
        return punct(start);
    }

    private void skipSpaceAndComments() {
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (Character.isWhitespace(c)) {
                pos++;
            } else if (sql.startsWith("--", pos)) {
                int nl = sql.indexOf('\n', pos);
                pos = nl < 0 ? sql.length() : nl + 1;
            } else if (sql.startsWith("/*", pos)) {
                int endComment = sql.indexOf("*/", pos + 2);
                pos = endComment < 0 ? sql.length() : endComment + 2;
            } else {
                return;
            }
        }
    }

    /** Reads a literal delimited by {@code q} starting at pos, where a doubled {@code q} is one {@code q}. */
    private String quoted(char q) {
        StringBuilder value = new StringBuilder();
        pos++;
        while (pos < sql.length()) {
            char c = sql.charAt(pos++);
            if (c == q) {
                if (pos < sql.length() && sql.charAt(pos) == q) {
                    value.append(q);
                    pos++;
                } else {
                    return value.toString();
                }
            } else {
                value.append(c);
            }
        }
        return value.toString();
    }

    private SqlToken bracketed(int start) {
        int close = sql.indexOf(']', pos + 1);
        pos = close < 0 ? sql.length() : close + 1;
        String value = sql.substring(start + 1, close < 0 ? sql.length() : close);
        return new SqlToken(SqlToken.Kind.QUOTED_ID, value, start, pos);
    }

    private SqlToken number(int start) {
        if (sql.startsWith("0x", pos) || sql.startsWith("0X", pos)) {
            pos += 2;
        }
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            boolean exponentSign = (c == '+' || c == '-') && (sql.charAt(pos - 1) == 'e' || sql.charAt(pos - 1) == 'E');
            if (Character.isLetterOrDigit(c) || c == '.' || c == '_' || exponentSign) {
                pos++;
            } else {
                break;
            }
        }
        return new SqlToken(SqlToken.Kind.NUMBER, sql.substring(start, pos), start, pos);
    }

    private SqlToken punct(int start) {
        String[] twoChar = {"||", "<=", ">=", "==", "!=", "<>", "<<", ">>", "->"};
        for (String op : twoChar) {
            if (sql.startsWith(op, pos)) {
                pos += op.length();
                if (op.equals("->") && pos < sql.length() && sql.charAt(pos) == '>') {
                    pos++;
                }
                return new SqlToken(SqlToken.Kind.PUNCT, sql.substring(start, pos), start, pos);
            }
        }
        pos++;
        return new SqlToken(SqlToken.Kind.PUNCT, sql.substring(start, pos), start, pos);
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_' || c > 0x7f;
    }

    private static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 0x7f;
    }
}

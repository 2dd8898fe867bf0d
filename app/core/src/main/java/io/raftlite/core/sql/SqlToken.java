package io.raftlite.core.sql;

import java.util.Locale;

/**
 * One lexical token of SQLite SQL. {@code text} is the token as written, except for
 * {@link Kind#QUOTED_ID} and {@link Kind#STRING}, whose text is the unquoted value.
 * {@code start}/{@code end} are offsets into the original string (end exclusive).
 */
public record SqlToken(Kind kind, String text, int start, int end) {

    /** Token classes; comments and white space are never tokens. */
    public enum Kind { WORD, QUOTED_ID, STRING, BLOB, NUMBER, PARAM, PUNCT }

    /** True for a bare word equal (case-insensitively) to {@code keyword}. */
    public boolean isKeyword(String keyword) {
        return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
    }

    /** True for a bare or quoted identifier named (case-insensitively) {@code name}. */
    public boolean isName(String name) {
        return (kind == Kind.WORD || kind == Kind.QUOTED_ID) && text.equalsIgnoreCase(name);
    }

    public boolean isPunct(String p) {
        return kind == Kind.PUNCT && text.equals(p);
    }

    /** Lower-cased identifier text (for names), or the text itself. */
    public String lower() {
        return text.toLowerCase(Locale.ROOT);
    }
}

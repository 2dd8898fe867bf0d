package io.raftlite.core.sql;

import io.raftlite.core.command.Statement;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What raftlite refuses outright, and which statements certainly only read. Both decisions work on
 * tokens from {@link SqlLexer}, so words inside literals and comments never count.
 *
 * <p>The policy is part of the replicated state machine: the HTTP layer and the leader's
 * {@code startTransaction} refuse a statement before it reaches the log, and every replica checks it again
 * when it applies an entry (a refused statement becomes that statement's error). All nodes of a cluster
 * must therefore run the same version of it. It is one policy for reads and writes: what it refuses in a
 * read is either harmful to a pooled read connection (a pragma) or useless there (TEMP objects).
 */
public final class SqlPolicy {

    public static final String DISALLOWED_PRAGMA = "disallowed pragma";
    public static final String ATTACH_REFUSED = "ATTACH and DETACH are not allowed";
    public static final String LOAD_EXTENSION_REFUSED = "load_extension is not allowed";
    public static final String VACUUM_INTO_REFUSED = "VACUUM INTO is not allowed";
    public static final String FUNCTION_REFUSED = "function not allowed: ";
    public static final String SCHEMA_TABLE_REFUSED = "the schema tables cannot be modified";
    public static final String TEMP_REFUSED = "TEMP objects and the temp schema are not allowed";
    public static final String RESERVED_NAME_REFUSED = "names starting with raftlite_ are reserved";

    /** Functions that reach files or native code; only load_extension and fts3_tokenizer exist in the bundled build. */
    private static final Set<String> FORBIDDEN_FUNCTIONS = Set.of("load_extension", "fts3_tokenizer", "readfile",
            "writefile", "edit", "lsdir");
    /** SQLite's own tables; the virtual table sqlite_dbpage (absent from the bundled build) writes raw pages. */
    private static final Set<String> SCHEMA_TABLES = Set.of("sqlite_master", "sqlite_schema", "sqlite_temp_master",
            "sqlite_temp_schema", "sqlite_dbpage");
    private static final String RESERVED_PREFIX = "raftlite_";
    private static final Set<String> WRITE_WORDS = Set.of("INSERT", "UPDATE", "DELETE", "REPLACE");

    private static final SqlCache<Optional<String>> REFUSALS = new SqlCache<>(sql -> tokenRefusal(SqlLexer.tokenize(sql)));
    private static final SqlCache<Boolean> READ_ONLY = new SqlCache<>(sql -> isSingleReadOnly(SqlLexer.tokenize(sql)));

    private SqlPolicy() {
    }

    /** Why these statements are refused as a whole (rqlite's {@code disallowed pragma}, ATTACH, ...), if they are. */
    public static Optional<String> refusal(List<Statement> statements) {
        for (Statement statement : statements) {
            Optional<String> why = refusal(statement.sql());
            if (why.isPresent()) {
                return why;
            }
        }
        return Optional.empty();
    }

    /** Why one SQL string (possibly several statements) is refused, if it is. */
    public static Optional<String> refusal(String sql) {
        for (String single : StatementSplitter.each(sql)) {
            Optional<String> why = REFUSALS.get(single);
            if (why.isPresent()) {
                return why;
            }
        }
        return Optional.empty();
    }

    /**
     * Statements the write connection runs before an entry that may have set a connection-scoped pragma, so
     * the next entry starts as on a freshly opened connection (see {@link PragmaRules#SETTABLE}).
     */
    public static List<String> connectionPragmaDefaults() {
        return PragmaRules.CONNECTION_DEFAULTS;
    }

    private static Optional<String> tokenRefusal(List<SqlToken> tokens) {
        for (int i = 0; i < tokens.size(); i++) {
            Optional<String> why = nameRefusal(tokens, i);
            if (why.isPresent()) {
                return why;
            }
        }
        int head = skipExplain(tokens);
        if (head >= tokens.size()) {
            return Optional.empty();
        }
        SqlToken first = tokens.get(head);
        if (first.isKeyword("ATTACH") || first.isKeyword("DETACH")) {
            return Optional.of(ATTACH_REFUSED);
        }
        if (first.isKeyword("VACUUM") && tokens.stream().anyMatch(t -> t.isKeyword("INTO"))) {
            return Optional.of(VACUUM_INTO_REFUSED);
        }
        if (first.isKeyword("PRAGMA") && !isAllowedPragma(tokens, head + 1)) {
            return Optional.of(DISALLOWED_PRAGMA);
        }
        if (first.isKeyword("CREATE") && head + 1 < tokens.size()
                && (tokens.get(head + 1).isKeyword("TEMP") || tokens.get(head + 1).isKeyword("TEMPORARY"))) {
            return Optional.of(TEMP_REFUSED);
        }
        return writeTargetRefusal(tokens, head);
    }

    /** Refusals that depend on one identifier wherever it appears: functions, pragma tables, temp, reserved names. */
    private static Optional<String> nameRefusal(List<SqlToken> tokens, int i) {
        SqlToken t = tokens.get(i);
        if (t.kind() != SqlToken.Kind.WORD && t.kind() != SqlToken.Kind.QUOTED_ID) {
            return Optional.empty();
        }
        String name = t.lower();
        boolean call = i + 1 < tokens.size() && tokens.get(i + 1).isPunct("(");
        boolean qualifier = i + 1 < tokens.size() && tokens.get(i + 1).isPunct(".");
        if (call && FORBIDDEN_FUNCTIONS.contains(name)) {
            return Optional.of(name.equals("load_extension") ? LOAD_EXTENSION_REFUSED : FUNCTION_REFUSED + name);
        }
        if (name.startsWith("pragma_") && !PragmaRules.TABLE_VALUED.contains(name.substring("pragma_".length()))) {
            return Optional.of(DISALLOWED_PRAGMA);
        }
        if (name.equals("temp") && qualifier) {
            return Optional.of(TEMP_REFUSED);
        }
        if (name.equals("sqlite_dbpage")) {
            return Optional.of(SCHEMA_TABLE_REFUSED);
        }
        if (name.startsWith(RESERVED_PREFIX)) {
            return Optional.of(RESERVED_NAME_REFUSED);
        }
        return Optional.empty();
    }

    /** INSERT/REPLACE INTO, UPDATE and DELETE FROM one of SQLite's schema tables (also inside a trigger body). */
    private static Optional<String> writeTargetRefusal(List<SqlToken> tokens, int head) {
        for (int i = head; i < tokens.size(); i++) {
            SqlToken t = tokens.get(i);
            int target = -1;
            if (t.isKeyword("INTO") || t.isKeyword("FROM") && i > 0 && tokens.get(i - 1).isKeyword("DELETE")) {
                target = i + 1;
            } else if (t.isKeyword("UPDATE")) {
                target = i + 1;
                if (target + 1 < tokens.size() && tokens.get(target).isKeyword("OR")) {
                    target += 2;
                }
            }
            if (target >= 0 && target < tokens.size()) {
                int name = target + 2 < tokens.size() && tokens.get(target + 1).isPunct(".") ? target + 2 : target;
                if (SCHEMA_TABLES.contains(tokens.get(name).lower())) {
                    return Optional.of(SCHEMA_TABLE_REFUSED);
                }
            }
        }
        return Optional.empty();
    }

    /** {@code PRAGMA [schema.]name [= value | (arg)]} starting at the name (or its schema), against the allow-list. */
    private static boolean isAllowedPragma(List<SqlToken> tokens, int at) {
        int name = pragmaName(tokens, at);
        if (name >= tokens.size()) {
            return false;
        }
        boolean paren = name + 1 < tokens.size() && tokens.get(name + 1).isPunct("(");
        boolean equals = name + 1 < tokens.size() && tokens.get(name + 1).isPunct("=");
        if (name + 1 < tokens.size() && !paren && !equals) {
            return false;
        }
        return PragmaRules.allowed(tokens.get(name).lower(), paren, equals);
    }

    private static int pragmaName(List<SqlToken> tokens, int at) {
        if (at + 2 < tokens.size() && tokens.get(at + 1).isPunct(".")) {
            return at + 2;
        }
        return at;
    }

    private static int skipExplain(List<SqlToken> tokens) {
        int i = 0;
        if (i < tokens.size() && tokens.get(i).isKeyword("EXPLAIN")) {
            i++;
            if (i + 1 < tokens.size() && tokens.get(i).isKeyword("QUERY") && tokens.get(i + 1).isKeyword("PLAN")) {
                i += 2;
            }
        }
        return i;
    }

    /**
     * Whether a statement (or every statement of a multi-statement string) certainly only reads, so
     * /db/request may serve it without the log. When unsure this answers false: the statement then
     * goes through the log, which is always correct, only slower.
     */
    public static boolean isReadOnly(String sql) {
        boolean any = false;
        for (String single : StatementSplitter.each(sql)) {
            if (!READ_ONLY.get(single)) {
                return false;
            }
            any = true;
        }
        return any;
    }

    private static boolean isSingleReadOnly(List<SqlToken> tokens) {
        if (tokenRefusal(tokens).isPresent()) {
            return false;
        }
        int head = skipExplain(tokens);
        if (head >= tokens.size()) {
            return false;
        }
        SqlToken first = tokens.get(head);
        if (first.isKeyword("SELECT") || first.isKeyword("VALUES") || first.isKeyword("WITH")) {
            return tokens.stream().noneMatch(t -> t.kind() == SqlToken.Kind.WORD
                    && WRITE_WORDS.contains(t.text().toUpperCase(Locale.ROOT)));
        }
        if (first.isKeyword("PRAGMA")) {
            int name = pragmaName(tokens, head + 1);
            boolean paren = name + 1 < tokens.size() && tokens.get(name + 1).isPunct("(");
            boolean equals = name + 1 < tokens.size() && tokens.get(name + 1).isPunct("=");
            return name < tokens.size() && PragmaRules.readsOnly(tokens.get(name).lower(), paren, equals);
        }
        return false;
    }
}

package io.raftlite.core.sql;

import io.raftlite.core.command.Statement;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What raftlite refuses outright, and which statements certainly only read. Both decisions work on
 * tokens from {@link SqlLexer}, so words inside literals and comments never count.
 */
public final class SqlPolicy {

    public static final String DISALLOWED_PRAGMA = "disallowed pragma";
    public static final String ATTACH_REFUSED = "ATTACH and DETACH are not allowed";
    public static final String LOAD_EXTENSION_REFUSED = "load_extension is not allowed";
    public static final String VACUUM_INTO_REFUSED = "VACUUM INTO is not allowed";

    /**
     * Pragmas refused when they set a value ({@code =} or {@code (...)}); reading them is fine, as in
     * rqlite. Beyond rqlite's list: {@code max_page_count}, a per-connection limit that would make every
     * replica's writes fail with SQLITE_FULL (a storage failure, which stops the node) and vanish on restart.
     */
    private static final Set<String> UNSETTABLE_PRAGMAS = Set.of("journal_mode", "synchronous", "wal_autocheckpoint",
            "max_page_count");
    /** Pragmas refused in every form. */
    private static final Set<String> FORBIDDEN_PRAGMAS = Set.of("wal_checkpoint");

    /** Pragmas that only read, with or without an argument. */
    private static final Set<String> READ_PRAGMAS = Set.of(
            "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
            "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check", "collation_list",
            "database_list", "function_list", "module_list", "pragma_list", "compile_options",
            "page_count", "page_size", "freelist_count", "user_version", "application_id", "schema_version",
            "data_version", "encoding", "foreign_keys", "journal_mode", "synchronous", "auto_vacuum",
            "cache_size", "busy_timeout", "max_page_count", "recursive_triggers", "case_sensitive_like");
    private static final Set<String> READ_PRAGMAS_WITH_ARG = Set.of(
            "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
            "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check");
    private static final Set<String> WRITE_WORDS = Set.of("INSERT", "UPDATE", "DELETE", "REPLACE");

    private static final SqlCache<Optional<String>> REFUSALS = new SqlCache<>(sql -> tokenRefusal(SqlLexer.tokenize(sql)));
    private static final SqlCache<Boolean> READ_ONLY = new SqlCache<>(sql -> isSingleReadOnly(SqlLexer.tokenize(sql)));

    private SqlPolicy() {
    }

    /** Why these statements are refused as a whole (rqlite's {@code disallowed pragma}, ATTACH, ...), if they are. */
    public static Optional<String> refusal(List<Statement> statements) {
        for (Statement statement : statements) {
            for (String single : StatementSplitter.split(statement.sql())) {
                Optional<String> why = REFUSALS.get(single);
                if (why.isPresent()) {
                    return why;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> tokenRefusal(List<SqlToken> tokens) {
        for (int i = 0; i + 1 < tokens.size(); i++) {
            if (tokens.get(i).isName("load_extension") && tokens.get(i + 1).isPunct("(")) {
                return Optional.of(LOAD_EXTENSION_REFUSED);
            }
            if (isPragmaFunctionSet(tokens, i)) {
                return Optional.of(DISALLOWED_PRAGMA);
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
        if (first.isKeyword("PRAGMA") && isBreakingPragma(tokens, head + 1)) {
            return Optional.of(DISALLOWED_PRAGMA);
        }
        return Optional.empty();
    }

    /** {@code PRAGMA [schema.]name ...} starting at the name (or its schema). */
    private static boolean isBreakingPragma(List<SqlToken> tokens, int at) {
        int name = pragmaName(tokens, at);
        if (name >= tokens.size()) {
            return false;
        }
        String pragma = tokens.get(name).lower();
        if (FORBIDDEN_PRAGMAS.contains(pragma)) {
            return true;
        }
        boolean sets = name + 1 < tokens.size()
                && (tokens.get(name + 1).isPunct("=") || tokens.get(name + 1).isPunct("("));
        return sets && UNSETTABLE_PRAGMAS.contains(pragma);
    }

    /** {@code pragma_journal_mode('x')} and friends: the table-valued form of a breaking pragma, with an argument. */
    private static boolean isPragmaFunctionSet(List<SqlToken> tokens, int i) {
        SqlToken t = tokens.get(i);
        if (!(t.kind() == SqlToken.Kind.WORD || t.kind() == SqlToken.Kind.QUOTED_ID) || !t.lower().startsWith("pragma_")) {
            return false;
        }
        String pragma = t.lower().substring("pragma_".length());
        if (FORBIDDEN_PRAGMAS.contains(pragma)) {
            return true;
        }
        return UNSETTABLE_PRAGMAS.contains(pragma) && tokens.get(i + 1).isPunct("(")
                && i + 2 < tokens.size() && !tokens.get(i + 2).isPunct(")");
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
        List<String> statements = StatementSplitter.split(sql);
        if (statements.isEmpty()) {
            return false;
        }
        for (String single : statements) {
            if (!READ_ONLY.get(single)) {
                return false;
            }
        }
        return true;
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
                    && WRITE_WORDS.contains(t.text().toUpperCase(java.util.Locale.ROOT)));
        }
        if (first.isKeyword("PRAGMA")) {
            return isReadPragma(tokens, head + 1);
        }
        return false;
    }

    private static boolean isReadPragma(List<SqlToken> tokens, int at) {
        int name = pragmaName(tokens, at);
        if (name >= tokens.size() || tokens.get(name).kind() != SqlToken.Kind.WORD) {
            return false;
        }
        String pragma = tokens.get(name).lower();
        if (name + 1 == tokens.size()) {
            return READ_PRAGMAS.contains(pragma);
        }
        return tokens.get(name + 1).isPunct("(") && READ_PRAGMAS_WITH_ARG.contains(pragma);
    }
}

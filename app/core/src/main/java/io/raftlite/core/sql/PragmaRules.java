package io.raftlite.core.sql;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pragma allow-list. A pragma not named here is refused, in writes and in reads alike: most pragmas
 * change connection state (which a restart or another replica does not share), the file format, or how the
 * file is written, and any of those can make replicas diverge or stop. Each entry says why it is harmless.
 * The same rules hold for the table-valued forms ({@code pragma_xxx(...)}), whose hidden {@code arg} column
 * can set a value even without parentheses, so those forms are allowed only for pragmas that set nothing.
 */
final class PragmaRules {

    /** {@code PRAGMA name} (no value): reading these changes nothing. */
    static final Map<String, String> READABLE = Map.ofEntries(
            Map.entry("table_list", "lists tables"),
            Map.entry("collation_list", "lists collations"),
            Map.entry("database_list", "lists attached databases (only main here)"),
            Map.entry("function_list", "lists SQL functions"),
            Map.entry("module_list", "lists virtual-table modules"),
            Map.entry("pragma_list", "lists pragmas"),
            Map.entry("compile_options", "lists SQLite's build options"),
            Map.entry("page_count", "the database size in pages"),
            Map.entry("page_size", "the page size (setting it is refused: it changes the file format)"),
            Map.entry("freelist_count", "unused pages"),
            Map.entry("user_version", "the user's own version number in the header"),
            Map.entry("application_id", "the user's own application id in the header"),
            Map.entry("schema_version", "the schema cookie (setting it is refused: it corrupts the schema cache)"),
            Map.entry("encoding", "the text encoding"),
            Map.entry("foreign_keys", "whether foreign keys are enforced"),
            Map.entry("defer_foreign_keys", "whether foreign-key checks wait for COMMIT"),
            Map.entry("recursive_triggers", "whether triggers may fire recursively"),
            Map.entry("journal_mode", "the journal mode (setting it is refused)"),
            Map.entry("synchronous", "the sync mode (setting it is refused)"),
            Map.entry("auto_vacuum", "the auto-vacuum mode (setting it is refused)"),
            Map.entry("max_page_count", "the size quota in pages (setting it is refused: raftlite owns the quota)"),
            Map.entry("query_only", "whether the connection is read-only (setting it is refused)"),
            Map.entry("foreign_key_check", "reports foreign-key violations"),
            Map.entry("integrity_check", "checks the file"),
            Map.entry("quick_check", "checks the file, faster"));

    /** {@code PRAGMA name(arg)} where the argument names a table or index, or is a row count: still read-only. */
    static final Set<String> READABLE_WITH_ARGUMENT = Set.of(
            "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
            "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check");

    /**
     * {@code PRAGMA name = value} or {@code name(value)}: allowed in writes. The connection-scoped ones
     * (foreign_keys, defer_foreign_keys, recursive_triggers) last for the log entry that sets them only: the
     * write connection puts them back to their defaults after such an entry, so a replica that restarted (whose
     * connection is fresh) applies every later entry exactly as one that did not. The header fields are stored
     * in the database itself, so they replicate and survive snapshots like any row.
     */
    static final Map<String, String> SETTABLE = Map.of(
            "foreign_keys", "enforce foreign keys for the rest of this request",
            "defer_foreign_keys", "check foreign keys at COMMIT (SQLite resets it at the end of a transaction)",
            "recursive_triggers", "let triggers fire recursively for the rest of this request",
            "user_version", "stored in the database header: replicated like data",
            "application_id", "stored in the database header: replicated like data");

    /**
     * Table-valued pragma functions allowed: those that set nothing whatever their argument, so their hidden
     * {@code arg} column (usable in a WHERE clause, even through a view) cannot change anything either.
     */
    static final Set<String> TABLE_VALUED = Set.of(
            "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
            "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check", "collation_list",
            "database_list", "function_list", "module_list", "pragma_list", "compile_options", "page_count",
            "freelist_count");

    /** The connection-scoped settable pragmas with the value the write connection keeps between entries. */
    static final List<String> CONNECTION_DEFAULTS = List.of(
            "PRAGMA foreign_keys=OFF", "PRAGMA defer_foreign_keys=OFF", "PRAGMA recursive_triggers=ON");

    private PragmaRules() {
    }

    /** Whether {@code PRAGMA name} with the given form is allowed: no value, an argument in parentheses, or {@code = value}. */
    static boolean allowed(String name, boolean hasParenthesis, boolean hasEquals) {
        if (!hasParenthesis && !hasEquals) {
            return READABLE.containsKey(name);
        }
        if (hasParenthesis && READABLE_WITH_ARGUMENT.contains(name)) {
            return true;
        }
        return SETTABLE.containsKey(name);
    }

    /** Whether that form only reads (so /db/request may serve it without the log). */
    static boolean readsOnly(String name, boolean hasParenthesis, boolean hasEquals) {
        if (!hasParenthesis && !hasEquals) {
            return READABLE.containsKey(name);
        }
        return hasParenthesis && READABLE_WITH_ARGUMENT.contains(name);
    }
}

package io.raftlite.core.db;

import java.util.Set;

/**
 * The user tables one log entry changed and committed. {@code all}: the entry may have changed any table
 * (DDL, a loaded image or dump, a restore, or rows SQLite's update hook does not report), and
 * {@code tables} then lists every user table the database holds after it.
 */
public record TableChanges(Set<String> tables, boolean all) {

    /** Nothing changed. */
    public static final TableChanges NONE = new TableChanges(Set.of(), false);

    public TableChanges {
        tables = Set.copyOf(tables);
    }

    public boolean isEmpty() {
        return tables.isEmpty() && !all;
    }
}

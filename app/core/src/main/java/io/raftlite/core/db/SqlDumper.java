package io.raftlite.core.db;

import java.io.IOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a database as SQL text in the shape of {@code sqlite3 .dump}: tables and their rows (in
 * rowid order, or primary-key order for WITHOUT ROWID tables), then indexes, then triggers and views,
 * each group in schema order, inside {@code BEGIN TRANSACTION;}/{@code COMMIT;}. Values are rendered by SQLite's
 * {@code quote()}, so strings, blobs ({@code X'..'}) and reals round-trip exactly. The output depends
 * only on the database content, so equal databases give equal dumps.
 */
final class SqlDumper {

    private SqlDumper() {
    }

    /** Dumps through {@code conn}, which must be inside a read transaction for a consistent view. */
    static void dump(Connection conn, Writer out) throws SQLException, IOException {
        out.write("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n");
        List<String[]> tables = schema(conn, "type = 'table'", "name = 'sqlite_sequence', rowid");
        for (String[] table : tables) {
            String name = table[0];
            if (name.equals("sqlite_sequence")) {
                out.write("DELETE FROM sqlite_sequence;\n");
            } else if (name.equals("sqlite_stat1")) {
                out.write("ANALYZE sqlite_schema;\n");
            } else if (name.startsWith("sqlite_")) {
                continue;
            } else {
                out.write(table[1] + ";\n");
            }
            dumpRows(conn, name, out);
        }
        for (String[] other : schema(conn, "type IN ('index', 'trigger', 'view')", "type <> 'index', rowid")) {
            out.write(other[1] + ";\n");
        }
        out.write("COMMIT;\n");
    }

    /**
     * {name, sql} of schema objects matching {@code where} in the given order. Indexes come before
     * triggers and views, each group in creation (rowid) order, because that is the order VACUUM INTO
     * (used for snapshots) leaves them in: a copy must dump exactly like its original.
     */
    private static List<String[]> schema(Connection conn, String where, String order) throws SQLException {
        List<String[]> out = new ArrayList<>();
        String sql = "SELECT name, sql FROM sqlite_schema WHERE sql NOT NULL AND " + where + " ORDER BY " + order;
        try (PreparedStatement ps = conn.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new String[]{rs.getString(1), rs.getString(2)});
            }
        }
        return out;
    }

    private static void dumpRows(Connection conn, String table, Writer out) throws SQLException, IOException {
        List<String> columns = new ArrayList<>();
        boolean withoutRowid = false;
        try (PreparedStatement ps = conn.prepareStatement("SELECT name FROM pragma_table_info(?)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add("quote(" + quoteIdentifier(rs.getString(1)) + ")");
                }
            }
        }
        try (PreparedStatement ps = conn.prepareStatement("SELECT wr FROM pragma_table_list WHERE name = ? AND schema = 'main'")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                withoutRowid = rs.next() && rs.getInt(1) == 1;
            }
        }
        if (columns.isEmpty()) {
            return;
        }
        String prefix = "INSERT INTO " + quoteIdentifier(table) + " VALUES(";
        String select = "SELECT " + String.join(" || ',' || ", columns) + " FROM " + quoteIdentifier(table)
                + (withoutRowid ? "" : " ORDER BY rowid");
        try (PreparedStatement ps = conn.prepareStatement(select); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.write(prefix);
                out.write(rs.getString(1));
                out.write(");\n");
            }
        }
    }

    static String quoteIdentifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}

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
 * {@code quote()}, so strings, blobs ({@code X'..'}) and reals round-trip exactly; a value over {@link #CHUNK}
 * bytes is written in chunks of that size, exactly as {@code quote()} would write it whole, so memory does
 * not grow with the value (time grows with its square: each chunk reads the value again). The output depends
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
        List<String> columns = columnNames(conn, table, "");
        if (columns.isEmpty()) {
            return;
        }
        List<String> key = rowKey(conn, table);
        String from = " FROM " + quoteIdentifier(table);
        String where = " WHERE " + String.join(" AND ", key.stream().map(k -> k + " IS ?").toList());
        String prefix = "INSERT INTO " + quoteIdentifier(table) + " VALUES(";
        try (PreparedStatement ps = conn.prepareStatement(rowSelect(columns, key, from)); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.write(prefix);
                for (int i = 0; i < columns.size(); i++) {
                    if (i > 0) {
                        out.write(',');
                    }
                    String quoted = rs.getString(2 * i + 1);
                    String type = rs.getString(2 * i + 2);
                    if (quoted != null) {
                        out.write(quoted);
                    } else if ("null".equals(type)) {
                        out.write("NULL");
                    } else {
                        Object[] keyValues = new Object[key.size()];
                        for (int k = 0; k < keyValues.length; k++) {
                            keyValues[k] = rs.getObject(2 * columns.size() + k + 1);
                        }
                        writeLarge(conn, columns.get(i), from + where, keyValues, "blob".equals(type), out);
                    }
                }
                out.write(");\n");
            }
        }
    }

    /** The quoted names of {@code table}'s columns ({@code filter}: a WHERE/ORDER BY over pragma_table_info). */
    private static List<String> columnNames(Connection conn, String table, String filter) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT name FROM pragma_table_info(?)" + filter)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(quoteIdentifier(rs.getString(1)));
                }
            }
        }
        return columns;
    }

    /**
     * Per column: the quoted value when it is at most {@link #CHUNK} bytes (else NULL) and its type; then the
     * row's key. A large value is read again by key, a chunk at a time.
     */
    private static String rowSelect(List<String> columns, List<String> key, String from) {
        StringBuilder select = new StringBuilder("SELECT ");
        for (String c : columns) {
            select.append("CASE WHEN octet_length(").append(c).append(") > ").append(CHUNK)
                    .append(" THEN NULL ELSE quote(").append(c).append(") END, typeof(").append(c).append("), ");
        }
        return select.append(String.join(", ", key)).append(from).append(key.equals(ROWID) ? " ORDER BY rowid" : "")
                .toString();
    }

    /** Values longer than this many bytes are written a chunk at a time, so memory stays bounded. */
    static final int CHUNK = 1 << 20;
    private static final List<String> ROWID = List.of("rowid");

    /** How one row is found again: its rowid, or the primary key of a WITHOUT ROWID table. */
    private static List<String> rowKey(Connection conn, String table) throws SQLException {
        boolean withoutRowid;
        try (PreparedStatement ps = conn.prepareStatement("SELECT wr FROM pragma_table_list WHERE name = ? AND schema = 'main'")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                withoutRowid = rs.next() && rs.getInt(1) == 1;
            }
        }
        if (!withoutRowid) {
            return ROWID;
        }
        return columnNames(conn, table, " WHERE pk > 0 ORDER BY pk");
    }

    /**
     * Writes one large value exactly as {@code quote()} would ({@code X'..'} or {@code '..'} with quotes doubled),
     * reading it {@link #CHUNK} bytes (blob) or characters (text) at a time.
     */
    private static void writeLarge(Connection conn, String column, String fromWhere, Object[] key, boolean blob,
                                   Writer out) throws SQLException, IOException {
        String sql = "SELECT " + (blob ? "hex" : "quote") + "(substr(" + column + ", ?, " + CHUNK + "))" + fromWhere;
        out.write(blob ? "X'" : "'");
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (long offset = 1; ; offset += CHUNK) {
                ps.setLong(1, offset);
                for (int k = 0; k < key.length; k++) {
                    ps.setObject(k + 2, key[k]);
                }
                String chunk;
                try (ResultSet rs = ps.executeQuery()) {
                    chunk = rs.next() ? rs.getString(1) : null;
                }
                if (!blob && chunk != null) {
                    chunk = chunk.length() >= 2 ? chunk.substring(1, chunk.length() - 1) : ""; // drop quote()'s quotes
                }
                if (chunk == null || chunk.isEmpty()) {
                    break;
                }
                out.write(chunk);
            }
        }
        out.write('\'');
    }

    static String quoteIdentifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}

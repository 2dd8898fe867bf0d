package io.raftlite.server.backup;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** VACUUMs a standalone copy of the database (rqlite's {@code vacuum}); the live database is never touched. */
final class Vacuum {

    private Vacuum() {
    }

    static void run(Path copy) throws IOException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy.toAbsolutePath());
             Statement s = c.createStatement()) {
            s.execute("VACUUM");
        } catch (SQLException e) {
            throw new IOException("VACUUM of the backup copy failed: " + e.getMessage(), e);
        }
    }
}

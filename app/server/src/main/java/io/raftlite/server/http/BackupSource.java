package io.raftlite.server.http;

import java.io.Writer;
import java.nio.file.Path;

/** What {@code /db/backup} needs: a consistent copy of the local database, binary or as SQL text. */
public interface BackupSource {

    void backup(Path target);

    void dumpSql(Writer out);
}

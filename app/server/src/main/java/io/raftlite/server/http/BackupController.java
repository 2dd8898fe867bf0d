package io.raftlite.server.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.raftlite.core.api.BadRequestException;
import io.raftlite.core.api.QueryParams;
import io.raftlite.server.DataDirectory;
import io.raftlite.server.config.NodeSettings;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * {@code GET /db/backup}: a consistent SQLite file ({@code fmt=binary}, the default, or {@code fmt=delete} for
 * a rollback-journal file) or a SQL dump ({@code fmt=sql}), optionally gzip-compressed ({@code compress}).
 * The copy is written to a temporary file under the data directory's {@code tmp/} and streamed, so a large
 * database never sits in memory; the file goes when the stream is closed or the copy fails.
 */
@Controller("/db")
@ExecuteOn(TaskExecutors.BLOCKING)
class BackupController {

    private final BackupSource source;
    private final Path tmp;

    BackupController(BackupSource source, NodeSettings settings) {
        this.source = source;
        this.tmp = DataDirectory.tmp(settings.dataDir());
    }

    @Get(uri = "/backup", produces = MediaType.ALL)
    HttpResponse<?> backup(HttpRequest<?> request) {
        QueryParams p;
        try {
            p = QueryParams.parse(Replies.params(request));
        } catch (BadRequestException e) {
            return Replies.toHttp(Reply.text(e.status(), e.getMessage()));
        }
        String fmt = p.fmt() == null || p.fmt().isEmpty() ? "binary" : p.fmt();
        if (!fmt.equals("binary") && !fmt.equals("sql") && !fmt.equals("delete")) {
            return Replies.toHttp(Reply.text(400, "fmt must be binary, delete or sql"));
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory(tmp, "backup");
            Path file = dir.resolve("backup");
            if (fmt.equals("sql")) {
                try (Writer w = new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8)) {
                    source.dumpSql(w);
                }
            } else {
                source.backup(file);
                if (fmt.equals("delete")) {
                    toRollbackJournal(file);
                }
            }
            if (p.compress()) {
                Path gz = dir.resolve("backup.gz");
                try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
                    Files.copy(file, out);
                }
                Files.delete(file);
                file = gz;
            }
            MediaType type = fmt.equals("sql") && !p.compress()
                    ? MediaType.of("application/sql") : MediaType.APPLICATION_OCTET_STREAM_TYPE;
            return HttpResponse.ok(new StreamedFile(deleteOnClose(file, dir), type));
        } catch (IOException e) {
            deleteQuietly(dir);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            deleteQuietly(dir);
            throw e;
        }
    }

    /** A copy that failed half-way is removed at once (and whatever a crash left, at the next start). */
    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // left for the next start, which empties the data directory's tmp/
        }
    }

    /** Bytes 18 and 19 of the header say WAL (2) or rollback journal (1); a copy for old tools wants 1. */
    private static void toRollbackJournal(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            if (raf.length() >= 100) {
                raf.seek(18);
                raf.write(new byte[]{1, 1});
            }
        }
    }

    private static InputStream deleteOnClose(Path file, Path dir) throws IOException {
        return new FilterInputStream(Files.newInputStream(file)) {
            @Override
            public void close() throws IOException {
                super.close();
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        };
    }
}

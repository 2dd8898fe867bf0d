package io.raftlite.server.backup;

import io.raftlite.core.api.GoDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * rqlite's backup uploader for the {@code file} type: every {@link AutoBackupConfig#interval} the leader copies its
 * database (optionally VACUUMed, gzipped unless {@code no_compress}) into the configured directory; see the
 * package invariants. A failed backup is logged and tried again at the next interval.
 */
public final class AutoBackup implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AutoBackup.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    /** What a backup needs from the node. */
    public interface Source {
        boolean isLeader();

        /** The index of the last log entry applied to the database. */
        long appliedIndex();

        /** Writes a consistent copy of the database to {@code target}. */
        void backup(Path target);
    }

    private final AutoBackupConfig config;
    private final Source source;
    private final Path tmp;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "raftlite-auto-backup");
        t.setDaemon(true);
        return t;
    });
    private long lastIndex; // rqlite's uploader starts at 0 too: an empty, never written database is not backed up
    private final java.util.concurrent.atomic.AtomicLong uploads = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong skipped = new java.util.concurrent.atomic.AtomicLong();
    private String lastSha256;
    private volatile Instant lastUploadTime;
    private volatile Duration lastUploadDuration = Duration.ZERO;
    private volatile long lastUploadIndex;

    /** @param tmp where the uncompressed copy is made (the data directory's {@code tmp/}) */
    public AutoBackup(AutoBackupConfig config, Source source, Path tmp, Clock clock) {
        this.config = config;
        this.source = source;
        this.tmp = tmp;
        this.clock = clock;
    }

    /** Checks the destination directory can be written (failing the start otherwise), then runs every interval. */
    public AutoBackup start() throws IOException {
        Files.createDirectories(config.dir());
        Files.deleteIfExists(Files.createTempFile(config.dir(), ".touch", ""));
        lastSha256 = BackupMetadata.read(config.dir()).get("sha256") instanceof String s ? s : null;
        long ms = config.interval().toMillis();
        timer.scheduleWithFixedDelay(this::tick, ms, ms, TimeUnit.MILLISECONDS);
        LOG.info("auto-backup: to {} every {} (leader only)", config.destination(), GoDuration.format(config.interval()));
        return this;
    }

    private void tick() {
        try {
            if (source.isLeader()) {
                backupIfChanged();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("auto-backup to {} failed: {}", config.destination(), e.toString());
        }
    }

    /** One round: skipped when nothing was applied or the content is unchanged; returns whether a file was written. */
    synchronized boolean backupIfChanged() throws IOException {
        long index = source.appliedIndex();
        if (index == lastIndex) {
            skipped.incrementAndGet();
            return false;
        }
        long start = System.nanoTime();
        Path dir = Files.createTempDirectory(tmp, "auto-backup");
        try {
            Path copy = dir.resolve("db.sqlite");
            source.backup(copy);
            if (config.vacuum()) {
                Vacuum.run(copy);
            }
            String sha256 = sha256(copy);
            if (sha256.equals(lastSha256)) {
                lastIndex = index;
                skipped.incrementAndGet();
                LOG.debug("auto-backup: unchanged at index {}; skipped", index);
                return false;
            }
            String name = config.timestamp() ? STAMP.format(clock.instant()) + "_" + config.name() : config.name();
            Path dest = config.dir().resolve(name);
            writeAtomically(copy, dest);
            BackupMetadata.write(config.dir(), Long.toString(index), sha256, clock.millis(), dest);
            lastIndex = index;
            lastSha256 = sha256;
            lastUploadIndex = index;
            uploads.incrementAndGet();
            lastUploadTime = clock.instant();
            lastUploadDuration = Duration.ofNanos(System.nanoTime() - start);
            LOG.info("auto-backup: wrote {} ({} bytes, index {}) in {} ms", dest, Files.size(dest), index,
                    lastUploadDuration.toMillis());
            return true;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** A temp file in the destination's directory, written (gzipped unless no_compress), fsynced, renamed. */
    private void writeAtomically(Path copy, Path dest) throws IOException {
        Path part = Files.createTempFile(dest.getParent(), ".upload-", "");
        try {
            try (OutputStream file = Files.newOutputStream(part);
                 OutputStream out = config.compress() ? new GZIPOutputStream(file) : file) {
                Files.copy(copy, out);
            }
            BackupMetadata.fsyncAndRename(part, dest);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * rqlite's {@code auto_backups} section of {@code /status}, plus its uploader's counters {@code num_uploads_ok}
     * and {@code num_uploads_skipped} (rqlite shows those in {@code /debug/vars}).
     */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        Instant last = lastUploadTime;
        m.put("last_index", Long.toString(lastUploadIndex));
        m.put("last_upload_duration", GoDuration.format(lastUploadDuration));
        m.put("last_upload_time", last == null ? "0001-01-01T00:00:00Z"
                : DateTimeFormatter.ISO_INSTANT.format(last.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        m.put("num_uploads_ok", uploads.get());
        m.put("num_uploads_skipped", skipped.get());
        m.put("upload_destination", config.destination());
        m.put("upload_interval", GoDuration.format(config.interval()));
        return m;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

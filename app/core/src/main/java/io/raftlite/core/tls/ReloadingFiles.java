package io.raftlite.core.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value loaded from files and loaded again, on use, when any file's modification time, size or identity (inode)
 * changed; checked at most once per interval. A failed load keeps the previous value and logs one WARN line;
 * the same files are not tried again until they change again.
 *
 * @param <T> what the files hold
 */
final class ReloadingFiles<T> {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadingFiles.class);

    /** Reads the files; its exceptions carry a one-line reason that is safe to log. */
    interface Loader<T> {
        T load() throws IOException;
    }

    /** One file's state; {@code null} attributes for a file that does not exist (or cannot be read). */
    private record Stamp(Path file, Object modified, long size, Object key) {
    }

    private final String what;
    private final List<Path> files;
    private final Loader<T> loader;
    private final long intervalNanos;
    private volatile T current;
    private volatile long nextCheck;
    private volatile int failedLoads;
    private List<Stamp> stamps;

    ReloadingFiles(String what, List<Path> files, Duration interval, Loader<T> loader) throws IOException {
        this.what = what;
        this.files = List.copyOf(files);
        this.loader = loader;
        this.intervalNanos = interval.toNanos();
        this.stamps = stamps();
        this.current = loader.load();
        this.nextCheck = System.nanoTime() + intervalNanos;
    }

    /** The current value, after loading the files again if they changed since the last check. */
    T get() {
        if (System.nanoTime() - nextCheck >= 0) {
            checkFiles();
        }
        return current;
    }

    private synchronized void checkFiles() {
        long now = System.nanoTime();
        if (now - nextCheck < 0) {
            return; // another thread checked while this one waited
        }
        nextCheck = now + intervalNanos;
        List<Stamp> seen = stamps(); // taken before loading: a change during the load is seen next time
        if (seen.equals(stamps)) {
            return;
        }
        stamps = seen;
        try {
            current = loader.load();
            LOG.info("TLS: reloaded the {} from {}", what, files);
        } catch (IOException e) {
            failedLoads++;
            LOG.warn("TLS: keeping the previous {}: {}", what, e.getMessage());
        } catch (RuntimeException e) {
            failedLoads++;
            LOG.warn("TLS: keeping the previous {}: reloading {} failed ({})", what, files,
                    e.getClass().getSimpleName());
        }
    }

    /** How many loads after the first failed (for tests: proof that a bad file was seen and refused). */
    int failedLoads() {
        return failedLoads;
    }

    private List<Stamp> stamps() {
        List<Stamp> out = new ArrayList<>(files.size());
        for (Path file : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                out.add(new Stamp(file, a.lastModifiedTime(), a.size(), a.fileKey()));
            } catch (IOException e) {
                out.add(new Stamp(file, null, -1, null));
            }
        }
        return out;
    }
}

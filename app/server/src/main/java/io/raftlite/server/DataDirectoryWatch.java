package io.raftlite.server;

import io.micronaut.context.annotation.Context;
import io.raftlite.server.config.NodeSettings;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Makes every file the running node creates in its data directory owner-only as soon as it appears: Ratis
 * rewrites {@code raft-meta} at every election and rolls log segments, snapshots are new files, and Java
 * cannot set the process's umask. One thread on inotify ({@link WatchService}); a file is under the umask's
 * mode for the moment between its creation and the event, inside a 0700 directory.
 */
@Context
final class DataDirectoryWatch {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectoryWatch.class);

    private final Path dataDir;
    private WatchService watcher;
    private final Map<WatchKey, Path> dirs = new ConcurrentHashMap<>();

    DataDirectoryWatch(NodeSettings settings) {
        this.dataDir = settings.dataDir();
        WatchService w = null;
        try {
            DataDirectory.restrict(dataDir); // what the store created before this bean existed
            w = dataDir.getFileSystem().newWatchService();
            this.watcher = w;
            registerTree(dataDir);
        } catch (IOException | UnsupportedOperationException e) {
            // e.g. the user's inotify instances used up: the node runs, files it creates keep the umask's mode
            // (inside the 0700 directory) until the next start
            LOG.warn("not watching {} for new files to make owner-only: {}", dataDir, e.toString());
            closeQuietly(w);
            this.watcher = null;
            return;
        }
        Thread t = new Thread(this::run, "raftlite-data-dir-modes");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(WatchService w) {
        try {
            if (w != null) {
                w.close();
            }
        } catch (IOException ignored) {
            // nothing to keep
        }
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                Path dir = dirs.get(key);
                for (WatchEvent<?> event : key.pollEvents()) {
                    handle(dir, event);
                }
                if (!key.reset()) {
                    dirs.remove(key);
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException stopped) {
            // the node stops
        }
    }

    private void handle(Path dir, WatchEvent<?> event) {
        try {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW || dir == null) {
                registerTree(dataDir);
                DataDirectory.restrict(dataDir);
                return;
            }
            Path created = dir.resolve((Path) event.context());
            if (Files.isDirectory(created, LinkOption.NOFOLLOW_LINKS)) {
                registerTree(created);
            }
            DataDirectory.restrict(created);
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not restrict a new file in {}: {}", dir, e.toString()); // removed meanwhile, usually
        }
    }

    private void registerTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path d : all.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                dirs.put(d.register(watcher, StandardWatchEventKinds.ENTRY_CREATE), d);
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @PreDestroy
    void close() {
        closeQuietly(watcher);
    }
}

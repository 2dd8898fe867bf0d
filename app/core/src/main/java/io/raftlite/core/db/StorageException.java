package io.raftlite.core.db;

/**
 * An environmental failure of the database (disk full, I/O error, corruption): not the client's fault
 * and not deterministic, so the caller must stop rather than record it as a statement error.
 */
public final class StorageException extends RuntimeException {

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}

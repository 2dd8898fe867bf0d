package io.raftlite.core.db;

/**
 * A read refused because this node is saturated (no read connection became free in time, or the node's
 * in-flight result bytes are used up). Transient: the HTTP layer answers 503 with {@code Retry-After}.
 */
public final class ReadBusyException extends RuntimeException {

    public ReadBusyException(String message) {
        super(message, null, false, false);
    }
}

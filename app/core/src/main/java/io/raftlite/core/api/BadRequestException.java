package io.raftlite.core.api;

/** A request the client got wrong; the message is the short plain-text reason sent back with a 4xx. */
public final class BadRequestException extends Exception {

    private final int status;

    public BadRequestException(String message) {
        this(400, message);
    }

    public BadRequestException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}

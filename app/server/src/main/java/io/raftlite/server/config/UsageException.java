package io.raftlite.server.config;

/** A command line or configuration the operator got wrong; the message is printed as one line, exit 2. */
public final class UsageException extends Exception {

    public UsageException(String message) {
        super(message);
    }
}

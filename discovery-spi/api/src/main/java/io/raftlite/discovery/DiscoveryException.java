package io.raftlite.discovery;

/** The discovery store refused or failed a request; the message says which store and why. */
public class DiscoveryException extends Exception {

    public DiscoveryException(String message) {
        super(message);
    }

    public DiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}

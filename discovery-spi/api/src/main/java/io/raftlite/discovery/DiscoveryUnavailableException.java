package io.raftlite.discovery;

/**
 * The discovery store could not be reached or did not answer in time. Callers retry with backoff; nothing
 * was changed in the store, or the outcome is unknown and a re-read tells.
 */
public class DiscoveryUnavailableException extends DiscoveryException {

    public DiscoveryUnavailableException(String message) {
        super(message);
    }

    public DiscoveryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.raftlite.core.store;

/**
 * How often, while this node led, a follower was seen going down, coming back and catching up (counted by the
 * leader since this node started; each change is also one INFO line). For metrics: monotonic counters.
 */
public record PeerEvents(long down, long back, long caughtUp) {

    public static final PeerEvents NONE = new PeerEvents(0, 0, 0);
}

package io.raftlite.core.store;

import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.SetConfigurationRequest;

import java.util.List;

/**
 * The one shape every membership change takes (join, promotion, demotion, removal, reaping): Ratis'
 * {@code setConfiguration} in COMPARE_AND_SET mode against the membership the change was computed from, so a
 * stale view or a concurrent change fails (and is retried by the caller) instead of overwriting it. Never
 * {@code ADD}: in 3.2.2 it drops every existing listener ({@code LeaderStateImpl.startSetConfiguration} takes
 * the listeners from the request's arguments, not from the merged list); never the array overload, which
 * drops the servers.
 */
final class ConfChange {

    private ConfChange() {
    }

    static SetConfigurationRequest.Arguments compareAndSet(List<RaftPeer> oldVoters, List<RaftPeer> oldListeners,
                                                           List<RaftPeer> voters, List<RaftPeer> listeners) {
        return SetConfigurationRequest.Arguments.newBuilder()
                .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                .setServersInCurrentConf(oldVoters).setListenersInCurrentConf(oldListeners)
                .setServersInNewConf(voters).setListenersInNewConf(listeners)
                .build();
    }

    /** {@code peers} with the member of {@code p}'s id (if any) replaced by {@code p}, in place. */
    static List<RaftPeer> replaced(List<RaftPeer> peers, RaftPeer p) {
        return peers.stream().map(x -> x.getId().equals(p.getId()) ? p : x).toList();
    }
}

package io.raftlite.core.membership;

import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one shape every membership change takes (join, promotion, demotion, removal, reaping): Ratis'
 * {@code setConfiguration} in COMPARE_AND_SET mode against the membership the change was computed from, so a
 * stale view or a concurrent change fails (and is retried by the caller) instead of overwriting it. Never
 * {@code ADD}: in 3.2.2 it drops every existing listener ({@code LeaderStateImpl.startSetConfiguration} takes
 * the listeners from the request's arguments, not from the merged list); never the array overload, which
 * drops the servers.
 */
public final class ConfChange {

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

    /**
     * Voters then listeners of the current (possibly not yet committed) configuration, each id once: while a
     * listener is promoted or a voter demoted, the old and new configurations list it in both roles.
     */
    public static List<RaftPeer> members(RaftServer.Division d) {
        Map<RaftPeerId, RaftPeer> peers = new LinkedHashMap<>();
        RaftConfiguration conf = d.getRaftConf(); // once: a change may replace it between two reads
        conf.getAllPeers(RaftPeerRole.FOLLOWER).forEach(p -> peers.putIfAbsent(p.getId(), p));
        conf.getAllPeers(RaftPeerRole.LISTENER).forEach(p -> peers.putIfAbsent(p.getId(), p));
        return new ArrayList<>(peers.values());
    }

    /** No membership change is half done on {@code d} (no joint configuration). */
    public static boolean stable(RaftServer.Division d) {
        RaftConfiguration conf = d.getRaftConf();
        return conf.getPreviousPeers(RaftPeerRole.FOLLOWER).isEmpty()
                && conf.getPreviousPeers(RaftPeerRole.LISTENER).isEmpty();
    }

    /**
     * How many new voters one change may add to {@code voters} voters: Ratis refuses a change whose new voters
     * are as many as the old ones or more ({@code RaftConfigurationImpl.changeMajority}, RATIS-1912), except one
     * new voter beside a lone voter. Joins ({@link JoinQueue}) and promotions ({@link VoterBalancer}) both obey it.
     */
    static int votersAddable(int voters) {
        return voters <= 1 ? 1 : voters - 1;
    }

    /** {@code peers} with the member of {@code p}'s id (if any) replaced by {@code p}, in place. */
    static List<RaftPeer> replaced(List<RaftPeer> peers, RaftPeer p) {
        return peers.stream().map(x -> x.getId().equals(p.getId()) ? p : x).toList();
    }
}

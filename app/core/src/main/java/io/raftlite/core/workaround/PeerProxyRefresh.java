package io.raftlite.core.workaround;

import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerRpc;
import org.apache.ratis.server.RaftServerRpcWithProxy;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.util.PeerProxyMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * WORKAROUND for Ratis 3.2.2 and 3.3.0 (no upstream issue found): a server dials a peer id at the first address
 * it saw, and a leader keeps a re-joined member's old progress. Delete when
 * {@code PeerProxyRefreshTest.stockProxyMapKeepsThePeersFirstAddress} fails (Ratis then replaces a peer whose
 * address changed) and Ratis resets a follower's progress when its address changes (checked by {@code MoveTest},
 * which then passes without this class). Lets a node id come back at another address. One instance per running
 * Ratis server, run after every configuration change applied there and every balance interval:
 * <ul>
 *   <li>a server keeps one gRPC proxy per peer id, created with the first address it saw
 *       ({@code PeerProxyMap.computeIfAbsent}; {@code resetProxy} re-creates it from the same old
 *       {@code RaftPeer}; a restart replays every configuration in the log, oldest first). A member whose proxy
 *       dials another address than the configuration now names gets a proxy for the new address (the old one
 *       is replaced under the map's {@code resetLock} and then closed, so no caller sees the id missing);</li>
 *   <li>on the leader, the log appender of a member that comes back with an empty disk is restarted
 *       ({@code LeaderState.restart}), once: a member whose address changed, or whose priority is raised (the
 *       mark {@code Joiner} sets on a moved or wiped member; raftlite gives every member priority 0 otherwise).
 *       The appender's follower info still holds the old node's match, commit and next index; from them the
 *       leader keeps sending entries after the ones the new node lacks ({@link SnapshotFallbackLogAppender}
 *       trusts that commit index), and the empty node, not in any
 *       configuration yet, shuts its server down at its first election timeout. A restarted appender starts
 *       from index 0 and learns the real position from the first reply. {@link #renewed} tells the
 *       {@code VoterBalancer}, which resets a raised priority, that this has happened;</li>
 *   <li>on the leader, a voter whose follower info is not marked caught up (a restarted appender is not) is
 *       marked once it has the configuration entry ({@link #markCaughtUp}); until then the leader's appends
 *       tell it it is initializing, and a moved voter's server would never leave STARTING;</li>
 *   <li>an id that left the configuration since the previous run loses its proxy, so that adding it again
 *       later (the leader's staging calls {@code addRaftPeers} with the new address) dials its new address.
 *       The first run on a server drops every proxy whose id is not a member (the log replay adds the members of
 *       every configuration in the log). Dropping a proxy the leader is staging right now only fails that
 *       change, which the joiner retries.</li>
 * </ul>
 * Ratis internals are reached by reflection, looked up once ({@link #SUPPORTED}). If a lookup or a later
 * reflective call fails (another Ratis version), it logs one WARN and does nothing from then on; {@code Joiner}
 * refuses a move when {@link #SUPPORTED} is false, as it did before this class existed. Any other failure (from
 * Ratis itself) leaves the state as it was, so the next run does the same work again.
 */
public final class PeerProxyRefresh {

    private static final Logger LOG = LoggerFactory.getLogger(PeerProxyRefresh.class);

    private static final Field PEERS;
    private static final Field RESET_LOCK;
    private static final Method GET_PEER;
    private static final Method CLOSE_PROXY;
    private static final Method GET_ROLE;
    private static final Method GET_LEADER_STATE;
    private static final Method GET_LOG_APPENDER;
    private static final Method IS_CAUGHT_UP;
    private static final Method CATCH_UP;
    /** Whether this Ratis has the internals this class needs; false turns moves off. */
    public static final boolean SUPPORTED;

    static {
        Field peers = null;
        Field resetLock = null;
        Method getPeer = null;
        Method closeProxy = null;
        Method getRole = null;
        Method getLeaderState = null;
        Method getLogAppender = null;
        Method isCaughtUp = null;
        Method catchUp = null;
        boolean ok;
        try {
            peers = accessible(PeerProxyMap.class.getDeclaredField("peers"));
            resetLock = accessible(PeerProxyMap.class.getDeclaredField("resetLock"));
            Class<?> peerAndProxy = Class.forName(PeerProxyMap.class.getName() + "$PeerAndProxy");
            getPeer = accessible(peerAndProxy.getDeclaredMethod("getPeer"));
            closeProxy = accessible(peerAndProxy.getDeclaredMethod("setNullProxyAndClose"));
            Class<?> serverImpl = Class.forName("org.apache.ratis.server.impl.RaftServerImpl");
            getRole = accessible(serverImpl.getDeclaredMethod("getRole"));
            getLeaderState = accessible(getRole.getReturnType().getDeclaredMethod("getLeaderState"));
            getLogAppender = accessible(Class.forName("org.apache.ratis.server.impl.LeaderStateImpl")
                    .getDeclaredMethod("getLogAppender", RaftPeerId.class));
            Class<?> followerInfo = Class.forName("org.apache.ratis.server.impl.FollowerInfoImpl");
            isCaughtUp = accessible(followerInfo.getDeclaredMethod("isCaughtUp"));
            catchUp = accessible(followerInfo.getDeclaredMethod("catchUp"));
            ok = true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Ratis internals differ ({}): a node id that re-joins at another Raft address will be refused",
                    e.toString());
            ok = false;
        }
        PEERS = peers;
        RESET_LOCK = resetLock;
        GET_PEER = getPeer;
        CLOSE_PROXY = closeProxy;
        GET_ROLE = getRole;
        GET_LEADER_STATE = getLeaderState;
        GET_LOG_APPENDER = getLogAppender;
        IS_CAUGHT_UP = isCaughtUp;
        CATCH_UP = catchUp;
        SUPPORTED = ok;
    }

    private final RaftServer server;
    private Set<RaftPeerId> lastMembers;
    /** Members with a raised priority whose appender this server restarted as the leader. */
    private final Set<RaftPeerId> renewed = new HashSet<>();
    private boolean broken = !SUPPORTED;

    public PeerProxyRefresh(RaftServer server) {
        this.server = server;
    }

    /** Brings this server's proxies (and, on the leader, appenders) in line with {@code d}'s configuration. */
    public synchronized void run(RaftServer.Division d) {
        if (broken) {
            return;
        }
        Map<RaftPeerId, RaftPeer> members = members(d.getRaftConf());
        members.remove(server.getId());
        try {
            PeerProxyMap<?> map = proxies();
            if (map == null) {
                return;
            }
            Map<RaftPeerId, RaftPeer> known = known(map);
            known.remove(server.getId()); // a configuration entry adds every member, this server included
            List<String> changed = new ArrayList<>();
            Set<RaftPeerId> left = new HashSet<>(lastMembers == null ? known.keySet() : lastMembers);
            left.removeAll(members.keySet());
            for (RaftPeerId id : left) {
                if (known.containsKey(id)) {
                    replace(map, id, null);
                    changed.add(id + " left");
                }
            }
            renewed.removeIf(id -> !members.containsKey(id) || members.get(id).getPriority() == 0);
            for (RaftPeer p : members.values()) {
                RaftPeer old = known.get(p.getId());
                boolean moved = old != null && !old.getAddress().equals(p.getAddress());
                if (moved) {
                    replace(map, p.getId(), p);
                    changed.add(p.getId() + " " + old.getAddress() + " -> " + p.getAddress());
                }
                boolean marked = p.getPriority() > 0 && !renewed.contains(p.getId());
                if ((moved || marked) && d.getInfo().isLeader() && restartAppender(d, p.getId())) {
                    changed.add("log appender of " + p.getId() + " restarted");
                    if (marked) {
                        renewed.add(p.getId());
                    }
                }
            }
            if (d.getInfo().isLeader()) {
                for (RaftPeer p : d.getRaftConf().getCurrentPeers(RaftPeerRole.FOLLOWER)) {
                    long match = p.getId().equals(server.getId()) ? -1 : markCaughtUp(d, p.getId());
                    if (match >= 0) {
                        changed.add("voter " + p.getId() + " caught up at index " + match);
                    }
                }
            }
            lastMembers = Set.copyOf(members.keySet());
            if (!changed.isEmpty()) {
                LOG.info("membership or address changes: Raft connections renewed: {}", changed);
            }
        } catch (ReflectiveOperationException | ClassCastException e) {
            broken = true;
            LOG.warn("cannot renew Raft connections after a member moved (Ratis internals differ: {}); a node id"
                    + " that comes back at another address may not be reachable until every server restarts", e.toString());
        } catch (RuntimeException e) { // Ratis itself, e.g. leadership lost meanwhile: the next run tries again
            LOG.debug("renewing Raft connections failed, retried on the next run: {}", e.toString());
        }
    }

    /**
     * Whether a member with a raised priority may have it reset: this server restarted its appender as the
     * leader (or cannot: then the mark has no use).
     */
    public synchronized boolean renewed(RaftPeerId id) {
        return broken || renewed.contains(id) || id.equals(server.getId());
    }

    /** Every member's peer, the address of the current configuration first (a transitional one lists both). */
    private static Map<RaftPeerId, RaftPeer> members(RaftConfiguration conf) {
        Map<RaftPeerId, RaftPeer> members = new HashMap<>();
        for (RaftPeerRole role : List.of(RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER)) {
            conf.getCurrentPeers(role).forEach(p -> members.putIfAbsent(p.getId(), p));
        }
        for (RaftPeerRole role : List.of(RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER)) {
            conf.getAllPeers(role).forEach(p -> members.putIfAbsent(p.getId(), p));
        }
        return members;
    }

    private PeerProxyMap<?> proxies() {
        RaftServerRpc rpc = server.getServerRpc();
        return rpc instanceof RaftServerRpcWithProxy<?, ?> withProxy ? withProxy.getProxies() : null;
    }

    private static Map<RaftPeerId, RaftPeer> known(PeerProxyMap<?> map) throws ReflectiveOperationException {
        Map<RaftPeerId, RaftPeer> known = new HashMap<>();
        for (Map.Entry<RaftPeerId, ?> e : entries(map).entrySet()) {
            known.put(e.getKey(), (RaftPeer) GET_PEER.invoke(e.getValue()));
        }
        return known;
    }

    @SuppressWarnings("unchecked")
    private static Map<RaftPeerId, Object> entries(PeerProxyMap<?> map) throws ReflectiveOperationException {
        return (Map<RaftPeerId, Object>) PEERS.get(map);
    }

    /** Swaps the entry for {@code id} to {@code peer} (or removes it, for null), then closes the old proxy. */
    private static void replace(PeerProxyMap<?> map, RaftPeerId id, RaftPeer peer) throws ReflectiveOperationException {
        Object old;
        synchronized (RESET_LOCK.get(map)) { // getProxy of a missing id waits on this lock, then looks again
            old = entries(map).remove(id);
            if (peer != null) {
                map.computeIfAbsent(peer);
            }
        }
        if (old != null) {
            Optional<?> proxy = (Optional<?>) CLOSE_PROXY.invoke(old);
            if (proxy.isPresent() && proxy.get() instanceof Closeable c) {
                try {
                    c.close();
                } catch (IOException e) {
                    LOG.debug("closing the proxy of {} failed: {}", id, e.toString());
                }
            }
        }
    }

    /** Restarts the leader's appender for {@code id}: a new follower info, starting from index 0. */
    private static boolean restartAppender(RaftServer.Division d, RaftPeerId id) throws ReflectiveOperationException {
        Optional<?> leader = (Optional<?>) GET_LEADER_STATE.invoke(GET_ROLE.invoke(d));
        if (leader.isEmpty()) {
            return false;
        }
        Optional<?> appender = (Optional<?>) GET_LOG_APPENDER.invoke(leader.get(), id);
        if (appender.isEmpty()) {
            return false;
        }
        ((LeaderState) leader.get()).restart((LogAppender) appender.get());
        return true;
    }

    /**
     * Marks the leader's follower info of voter {@code id} caught up once its match index reaches the index of
     * the configuration entry, the rule Ratis applies to a new voter when its staging ends; returns that match
     * index, or -1 when nothing was marked. In 3.2.2 only staging marks a follower info, and only for voters: a
     * restarted appender ({@code LeaderState.restart}, ours after a move or Ratis' own after an appender error)
     * and a promoted listener's appender are never marked, so their every append says "initializing". A server
     * started empty (a moved voter) then stays in STARTING for good: it refuses client requests with
     * ServerNotReadyException (a write through it never completes) and never starts its election timer.
     * Listeners are left as Ratis leaves them (an election timer is of no use to them).
     */
    private static long markCaughtUp(RaftServer.Division d, RaftPeerId id) throws ReflectiveOperationException {
        Optional<?> leader = (Optional<?>) GET_LEADER_STATE.invoke(GET_ROLE.invoke(d));
        if (leader.isEmpty()) {
            return -1;
        }
        Optional<?> appender = (Optional<?>) GET_LOG_APPENDER.invoke(leader.get(), id);
        if (appender.isEmpty()) {
            return -1;
        }
        FollowerInfo follower = ((LogAppender) appender.get()).getFollower();
        long match = follower.getMatchIndex();
        if ((Boolean) IS_CAUGHT_UP.invoke(follower) || match < d.getRaftConf().getLogEntryIndex()) {
            return -1;
        }
        CATCH_UP.invoke(follower);
        return match;
    }

    private static <T extends java.lang.reflect.AccessibleObject> T accessible(T member) {
        member.setAccessible(true);
        return member;
    }
}

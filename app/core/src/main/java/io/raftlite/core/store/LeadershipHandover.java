package io.raftlite.core.store;

import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * On a clean stop, a leader hands leadership to another voter first, so the rest of the cluster does not
 * wait an election timeout. Best effort and bounded: any failure is logged and the stop goes on.
 */
final class LeadershipHandover {

    private static final Logger LOG = LoggerFactory.getLogger(LeadershipHandover.class);
    private static final long NOT_READY_RETRY_MS = 50;

    record Caller(ClientId clientId, long callId) {
    }

    private LeadershipHandover() {
    }

    static void transfer(RaftServer server, RaftServer.Division d, Caller caller, Duration timeout) {
        try {
            if (!d.getInfo().isLeader()) {
                LOG.info("not the leader at stop: no leadership transfer");
                return;
            }
            RaftPeerId target = pickTarget(d);
            if (target == null) {
                return;
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            RaftClientReply reply;
            do { // a leader just elected is not ready until its first entry commits: retry within the bound
                long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                TransferLeadershipRequest request = new TransferLeadershipRequest(caller.clientId(),
                        d.getId(), d.getMemberId().getGroupId(), caller.callId(), target, leftMs);
                reply = server.transferLeadershipAsync(request).get(leftMs + 500, TimeUnit.MILLISECONDS);
                if (!(reply.getException() instanceof LeaderNotReadyException) || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(NOT_READY_RETRY_MS);
            } while (d.getInfo().isLeader());
            LOG.info("leadership transfer to {} on stop: {}", target,
                    reply.isSuccess() ? "done" : String.valueOf(reply.getException()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("leadership transfer on stop failed; stopping anyway: {}", e.toString());
        }
    }

    /**
     * The voter to hand leadership to, or null when this is the only voter: one Ratis will take at once, i.e.
     * whose match index the leader knows to be its last entry, heard from most recently; else (none known up to
     * date) the one heard from most recently, which Ratis then tries to catch up within the timeout.
     *
     * <p>Ratis transfers only to a follower whose match index reaches the leader's last entry, and a follower learns
     * nothing new from heartbeats: their replies carry no match index ({@code RaftServerImpl} answers -1). So a
     * follower that was down when the leader appended its last entry (typically the entry that starts the
     * leader's term, while the previous leader, now that follower, was stopping) stays at an unknown match index
     * on an idle cluster, however current its log: a transfer to it waited out the whole timeout (3 of 6 leader
     * stops right after another node's restart, 3 s each), where the other voter would have taken it at once.
     */
    private static RaftPeerId pickTarget(RaftServer.Division d) {
        Set<RaftPeerId> voters = d.getRaftConf().getCurrentPeers(RaftPeerRole.FOLLOWER).stream()
                .map(RaftPeer::getId).filter(id -> !id.equals(d.getId())).collect(Collectors.toSet());
        if (voters.isEmpty()) {
            return null;
        }
        RoleInfoProto role = d.getInfo().getRoleInfoProto();
        long[] match = d.getInfo().getFollowerMatchIndices(); // the same appenders, in the same order
        long last = d.getRaftLog().getLastEntryTermIndex() == null ? -1 : d.getRaftLog().getLastEntryTermIndex().getIndex();
        RaftPeerId target = choose(voters, role.getLeaderInfo().getFollowerInfoList(), match, last);
        return target != null ? target : voters.iterator().next();
    }

    /**
     * The voter among {@code voters} that {@link #pickTarget} hands leadership to, given the leader's followers in
     * its appenders' order with their match indexes ({@code matchIndices}: ignored unless as many as the followers)
     * and the leader's last index; null when no follower is a voter.
     */
    static RaftPeerId choose(Set<RaftPeerId> voters, List<ServerRpcProto> followers, long[] matchIndices, long last) {
        boolean matched = matchIndices != null && matchIndices.length == followers.size();
        RaftPeerId upToDate = null;
        long upToDateSilence = Long.MAX_VALUE;
        RaftPeerId heard = null;
        long heardSilence = Long.MAX_VALUE;
        for (int i = 0; i < followers.size(); i++) {
            RaftPeerId id = RaftPeerId.valueOf(followers.get(i).getId().getId());
            long silence = followers.get(i).getLastRpcElapsedTimeMs();
            if (!voters.contains(id)) {
                continue;
            }
            if (matched && matchIndices[i] >= last && silence < upToDateSilence) {
                upToDate = id;
                upToDateSilence = silence;
            }
            if (silence < heardSilence) {
                heard = id;
                heardSilence = silence;
            }
        }
        return upToDate != null ? upToDate : heard;
    }
}

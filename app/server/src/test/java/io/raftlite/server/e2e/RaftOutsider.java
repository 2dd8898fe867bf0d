package io.raftlite.server.e2e;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandCodec;
import io.raftlite.core.command.Statement;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What an attacker on the network does with nothing but Ratis' own client library and the nodes' Raft addresses:
 * read, write an ATTACH past the HTTP API's SQL policy, change the configuration, add and remove groups.
 */
final class RaftOutsider {

    private RaftOutsider() {
    }

    /** The group id raftlite derives from a cluster name (every node computes it the same way). */
    static RaftGroupId groupId(String clusterName) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("raftlite:" + clusterName).getBytes(StandardCharsets.UTF_8)));
    }

    /** A peer id known to the cluster is not needed: Ratis routes by group id; the outsider names peers itself. */
    static RaftGroup group(String clusterName, List<String> raftAddresses) {
        List<RaftPeer> peers = new ArrayList<>();
        for (int i = 0; i < raftAddresses.size(); i++) {
            peers.add(RaftPeer.newBuilder().setId("p" + i).setAddress(raftAddresses.get(i)).build());
        }
        return RaftGroup.valueOf(groupId(clusterName), peers);
    }

    /**
     * Tries every call against {@code group} with {@code tls} (null: plaintext); returns the calls that went
     * through (succeeded or got an answer from the state machine), by name. Empty means all were refused.
     */
    static Map<String, String> callsThatWentThrough(RaftGroup group, GrpcTlsConfig tls, Path attachTarget) throws IOException {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(2, TimeUnit.SECONDS));
        Parameters params = new Parameters();
        if (tls != null) {
            GrpcConfigKeys.TLS.setConf(params, tls);
        }
        byte[] attach = CommandCodec.encode(Command.execute(List.of(Statement.of("ATTACH '" + attachTarget + "' AS x"),
                Statement.of("CREATE TABLE x.t (a)")), false, 1, 1));
        RaftPeerId target = group.getPeers().iterator().next().getId();
        Map<String, String> through = new LinkedHashMap<>();
        try (RaftClient c = RaftClient.newBuilder().setProperties(p).setParameters(params).setRaftGroup(group)
                .setRetryPolicy(RetryPolicies.noRetry()).build()) {
            Map<String, Call> calls = new LinkedHashMap<>();
            calls.put("write", () -> c.io().send(Message.valueOf(ByteString.copyFrom(attach))));
            calls.put("read", () -> c.io().sendReadOnly(Message.valueOf(ByteString.copyFrom(new byte[]{1}))));
            calls.put("setConfiguration", () -> c.admin().setConfiguration(List.of(
                    RaftPeer.newBuilder().setId("evil").setAddress("127.0.17.250:1").build())));
            calls.put("groupInfo", () -> c.getGroupManagementApi(target).info(group.getGroupId()));
            calls.put("groupAdd", () -> c.getGroupManagementApi(target).add(RaftGroup.valueOf(groupId("evil"),
                    group.getPeer(target))));
            calls.put("groupRemove", () -> c.getGroupManagementApi(target).remove(group.getGroupId(), true, false));
            for (Map.Entry<String, Call> e : calls.entrySet()) {
                try {
                    RaftClientReply r = e.getValue().run();
                    through.put(e.getKey(), String.valueOf(r));
                } catch (IOException | RuntimeException failed) {
                    if (!refusedByTransport(failed)) {
                        through.put(e.getKey(), "reached Ratis: " + failed);
                    }
                }
            }
        }
        return through;
    }

    /**
     * The call was refused before Ratis saw it: the connection (gRPC UNAVAILABLE: no TLS, or a failed handshake) or
     * the node's admin guard (PERMISSION_DENIED).
     */
    private static boolean refusedByTransport(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (m.contains("UNAVAILABLE") || m.contains("PERMISSION_DENIED") || c instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        return false;
    }

    @FunctionalInterface
    private interface Call {
        RaftClientReply run() throws IOException;
    }
}

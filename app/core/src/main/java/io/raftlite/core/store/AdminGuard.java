package io.raftlite.core.store;

import io.raftlite.core.membership.JoinRequest;
import org.apache.ratis.proto.RaftProtos.GroupManagementRequestProto;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.SetConfigurationRequestProto;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.io.grpc.ForwardingServerCallListener;
import org.apache.ratis.thirdparty.io.grpc.Grpc;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.ServerCall;
import org.apache.ratis.thirdparty.io.grpc.ServerCallHandler;
import org.apache.ratis.thirdparty.io.grpc.ServerInterceptor;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Ratis' admin calls limited to what raftlite itself sends, checked at the server before Ratis sees them (a gRPC
 * interceptor on the node's one port, installed through {@code GrpcConfigKeys.Server.setServicesCustomizer}):
 * <ul>
 *   <li>group add and group remove (with or without deleting the directory), snapshot and leader-election
 *       management: refused, always. A raftlite node serves one group, made at its start; no node asks another
 *       for these, so a caller who does is not a raftlite node;</li>
 *   <li>with node identities (this node's certificate names it, {@code urn:raftlite:node:ID}): every call on the
 *       port needs a caller certificate that names a node, so a client certificate of the same CA gets nothing;
 *       a configuration change may add, move or re-rank only the caller's own id (a join or a move of X comes from
 *       X), and may remove or hand leadership over only when the caller is a member (what {@code DELETE /remove}
 *       on a member sends); reads and writes (Ratis' client protocol) come from members only, except a join
 *       request for the caller's own id ({@link #checkJoin}).</li>
 * </ul>
 * Group info and list stay open to every node: a joining node reads the membership through them.
 */
final class AdminGuard implements ServerInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(AdminGuard.class);
    private static final String ADMIN = "ratis.grpc.AdminProtocolService/";
    private static final String CLIENT = "ratis.grpc.RaftClientProtocolService/";
    private static final Set<String> NEVER = Set.of("snapshotManagement", "leaderElectionManagement");

    private final Supplier<RaftServer.Division> division;
    private final boolean identities;

    /** @param identities whether callers must present a certificate naming a node, and changes are bound to it */
    AdminGuard(Supplier<RaftServer.Division> division, boolean identities) {
        this.division = division;
        this.identities = identities;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        String op = method.startsWith(ADMIN) ? method.substring(ADMIN.length()) : null;
        Optional<String> caller = identities ? callerId(call) : Optional.empty();
        String refusal = identities && caller.isEmpty()
                ? "the Raft port serves raftlite nodes only: the caller's certificate names no node (" + nodeUriHint() + ")"
                : op != null && NEVER.contains(op) ? op + " is not allowed on a raftlite node" : null;
        if (refusal != null) {
            return refuse(call, method, refusal);
        }
        ServerCall.Listener<Q> delegate = next.startCall(call, headers);
        boolean client = identities && method.startsWith(CLIENT);
        if (!client && (op == null || !op.equals("groupManagement") && !op.equals("setConfiguration")
                && !op.equals("transferLeadership"))) {
            return delegate;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            private boolean refused;
            /** A client call whose caller was a member at its first read or write: not looked up again. */
            private boolean member;

            @Override
            public void onMessage(Q message) {
                if (refused) {
                    return;
                }
                String why;
                if (client) {
                    Optional<String> join = checkJoin(message, caller.get());
                    why = join.isPresent() ? join.filter(w -> !w.isEmpty()).orElse(null)
                            : member ? null : nonMember(caller.get());
                    member |= join.isEmpty() && why == null;
                } else {
                    why = check(op, message, caller.orElse(null));
                }
                if (why == null) {
                    super.onMessage(message);
                    return;
                }
                refused = true;
                LOG.warn("refused {} from {}: {}", method, caller.orElse("a caller"), why);
                call.close(Status.PERMISSION_DENIED.withDescription(why), new Metadata());
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    super.onHalfClose();
                }
            }
        };
    }

    /**
     * A request of Ratis' client protocol, with node identities: a join request ({@link JoinRequest}) must name the
     * caller's own id (a join of X comes from X, as for a configuration change); other requests come from a member
     * ({@link #nonMember}), checked once per call.
     *
     * @return empty when the message is not a join request; else "" when allowed, or why it is refused
     */
    static Optional<String> checkJoin(Object message, String caller) {
        if (message instanceof RaftClientRequestProto r && r.hasMessage()) {
            ByteString content = r.getMessage().getContent();
            if (!content.isEmpty() && JoinRequest.isRequest(content.byteAt(0), content.size())) {
                return Optional.of(JoinRequest.decode(content.toByteArray()).map(j -> j.id().equals(caller) ? ""
                        : caller + " may ask to join only for itself, not " + j.id()).orElse("malformed join request"));
            }
        }
        return Optional.empty();
    }

    /**
     * Reads and writes come from members only (a follower forwarding, the leader asking a member for its metadata),
     * so a node certificate of another cluster sharing the CA, or of a removed node, reads nothing. Not for the
     * server protocol: a lagging follower must accept entries from a leader its configuration does not list yet.
     * A node with no configuration yet (waiting to be added) has nothing to serve and refuses nobody.
     */
    private String nonMember(String caller) {
        Map<String, String> members = current();
        return members == null || members.isEmpty() || members.containsKey(caller) ? null
                : "reads and writes are for members of this cluster (" + caller + " is not one)";
    }

    private static String nodeUriHint() {
        return io.raftlite.core.tls.NodeIdentity.uri("ID");
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String method, String why) {
        LOG.warn("refused {}: {}", method, why);
        call.close(Status.PERMISSION_DENIED.withDescription(why), new Metadata());
        return new ServerCall.Listener<>() { };
    }

    /** Why this admin request is refused, or null. */
    String check(String op, Object message, String caller) {
        if (message instanceof GroupManagementRequestProto g) {
            return g.hasGroupAdd() ? "group add is not allowed on a raftlite node (it serves its cluster's group only)"
                    : g.hasGroupRemove() ? "group remove is not allowed on a raftlite node (a member leaves through"
                    + " DELETE /remove)" : null;
        }
        if (!identities) {
            return null;
        }
        Map<String, String> current = current();
        if (current == null) {
            return "this node is not running";
        }
        if (op.equals("transferLeadership")) {
            return current.containsKey(caller) ? null : "only a member may hand leadership over (" + caller + " is not one)";
        }
        return message instanceof SetConfigurationRequestProto s ? checkConfiguration(s, current, caller) : null;
    }

    private static String checkConfiguration(SetConfigurationRequestProto s, Map<String, String> current, String caller) {
        Map<String, String> wanted = new HashMap<>();
        if (s.getMode() == SetConfigurationRequestProto.Mode.ADD) {
            wanted.putAll(current);
        }
        s.getPeersList().forEach(p -> wanted.put(id(p), describe(p, false)));
        s.getListenersList().forEach(p -> wanted.put(id(p), describe(p, true)));
        Set<String> changed = new HashSet<>();
        wanted.forEach((id, what) -> {
            if (!what.equals(current.get(id))) {
                changed.add(id);
            }
        });
        changed.remove(caller);
        if (!changed.isEmpty()) {
            return caller + " may add, move or re-rank only itself, not " + changed;
        }
        boolean removes = current.keySet().stream().anyMatch(id -> !wanted.containsKey(id));
        return removes && !current.containsKey(caller) ? "only a member may remove members (" + caller + " is not one)" : null;
    }

    /** The current configuration, id to address/priority/role, or null when the server is not running. */
    private Map<String, String> current() {
        RaftServer.Division d = division.get();
        if (d == null) {
            return null;
        }
        Map<String, String> m = new HashMap<>();
        RaftConfiguration conf = d.getRaftConf();
        conf.getAllPeers(RaftPeerRole.LISTENER).forEach(p -> m.put(p.getId().toString(), describe(p, true)));
        conf.getAllPeers(RaftPeerRole.FOLLOWER).forEach(p -> m.put(p.getId().toString(), describe(p, false)));
        return m;
    }

    private static String id(RaftPeerProto p) {
        return p.getId().toStringUtf8();
    }

    private static String describe(RaftPeerProto p, boolean listener) {
        return p.getAddress() + "|" + p.getPriority() + "|" + listener;
    }

    private static String describe(RaftPeer p, boolean listener) {
        return p.getAddress() + "|" + p.getPriority() + "|" + listener;
    }

    /** The node id the caller's TLS certificate names, if any. */
    private static Optional<String> callerId(ServerCall<?, ?> call) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x
                    ? io.raftlite.core.tls.NodeIdentity.of(x) : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }
}

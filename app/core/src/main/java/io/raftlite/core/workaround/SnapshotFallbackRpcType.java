package io.raftlite.core.workaround;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;

/**
 * WORKAROUND for RATIS-2500 (see {@link SnapshotFallbackLogAppender}) and the ReadIndex shortcut (see
 * {@link ReadIndexRoundPerRead}, {@link ReadRoundLogAppender}, {@link CommitPushLogAppender}); delete with the
 * last of them: Ratis' gRPC transport, unchanged, except that a leader's log appenders are
 * {@link ReadRoundLogAppender}s (which are {@link CommitPushLogAppender}s and {@link SnapshotFallbackLogAppender}s)
 * and its leader state runs a heartbeat round for every ReadIndex read (installed when the first appender is
 * made).
 *
 * <p>Ratis 3.3.0 has no setting for the log appender class; it asks the server's RPC factory, and
 * {@code raft.rpc.type} may name an {@link RpcType} class ({@code RpcType.valueOf} instantiates it by
 * reflection with its no-argument constructor). So {@link #name()} is this class's name, and
 * {@code RaftConfigKeys.Rpc.setType(properties, new SnapshotFallbackRpcType())} selects it. Only the server
 * uses it: raftlite's {@code RaftClient}s are built with their own properties (plain GRPC), and the wire
 * protocol is exactly GRPC's, so nodes with and without it interoperate.
 */
public final class SnapshotFallbackRpcType implements RpcType {

    @Override
    public String name() {
        return SnapshotFallbackRpcType.class.getName();
    }

    @Override
    public RpcFactory newFactory(Parameters parameters) {
        return new Factory(parameters);
    }

    /**
     * {@link GrpcFactory} with the RATIS-2500 log appender and a round per ReadIndex read; everything else (TLS,
     * services, clients) as is.
     */
    static final class Factory extends GrpcFactory {
        Factory(Parameters parameters) {
            super(parameters);
        }

        @Override
        public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
            ReadIndexRoundPerRead.install(state); // the leader's first appender comes before its first read
            return new ReadRoundLogAppender(server, state, follower);
        }
    }
}

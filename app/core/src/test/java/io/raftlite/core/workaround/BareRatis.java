package io.raftlite.core.workaround;

import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachine;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.TimeDuration;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bare Ratis servers for the canaries: stock Ratis on 127.0.23.x with a state machine of the test's choice and
 * default properties plus what the test adds; closes every server it started.
 */
final class BareRatis implements AutoCloseable {

    private final Path dir;
    private final List<RaftServer> servers = new ArrayList<>();
    final RaftGroupId groupId = RaftGroupId.randomId();

    BareRatis(Path dir) {
        this.dir = dir;
    }

    /** A peer on 127.0.23.{@code host} at a free port. */
    static RaftPeer peer(String id, int host, RaftPeerRole role) throws IOException {
        String address = "127.0.23." + host;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return RaftPeer.newBuilder().setId(id).setAddress(address + ":" + s.getLocalPort())
                    .setStartupRole(role).build();
        }
    }

    /** Starts {@code peer} of {@code group} with a no-op state machine and default properties. */
    RaftServer.Division start(RaftPeer peer, RaftGroup group) throws IOException {
        return start(peer, group, BaseStateMachine::new, p -> { });
    }

    /** Starts {@code peer} of {@code group}: {@code properties} may add to the defaults. */
    RaftServer.Division start(RaftPeer peer, RaftGroup group, Supplier<StateMachine> stateMachine,
                              Consumer<RaftProperties> properties) throws IOException {
        return start(peer, group, stateMachine, properties, RaftStorage.StartupOption.FORMAT);
    }

    /** As above, from the storage {@code peer} left in this directory when {@code option} is RECOVER. */
    RaftServer.Division start(RaftPeer peer, RaftGroup group, Supplier<StateMachine> stateMachine,
                              Consumer<RaftProperties> properties, RaftStorage.StartupOption option)
            throws IOException {
        RaftProperties p = new RaftProperties();
        String address = peer.getAddress();
        GrpcConfigKeys.Server.setHost(p, address.substring(0, address.lastIndexOf(':')));
        GrpcConfigKeys.Server.setPort(p, Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));
        RaftServerConfigKeys.setStorageDir(p, List.of(dir.resolve(peer.getId().toString()).toFile()));
        properties.accept(p);
        RaftServer s = RaftServer.newBuilder().setServerId(peer.getId()).setGroup(group).setProperties(p)
                .setStateMachine(stateMachine.get()).setOption(option).build();
        servers.add(s);
        s.start();
        return s.getDivision(group.getGroupId());
    }

    /**
     * Heartbeats every 12.5 s (election timeout 25-30 s), so a test can tell a message Ratis sends at once from one
     * that waits for the next heartbeat; only the {@code candidate} times out early (200-400 ms), so it is elected
     * without a split vote; appenders from {@code rpcType}.
     */
    static void slowHeartbeats(RaftProperties p, Class<? extends RpcType> rpcType, boolean candidate) {
        TimeDuration min = TimeDuration.valueOf(25, TimeUnit.SECONDS);
        TimeDuration max = TimeDuration.valueOf(30, TimeUnit.SECONDS);
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, min);
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, max);
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p,
                candidate ? TimeDuration.valueOf(200, TimeUnit.MILLISECONDS) : min);
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p,
                candidate ? TimeDuration.valueOf(400, TimeUnit.MILLISECONDS) : max);
        try {
            RaftConfigKeys.Rpc.setType(p, rpcType.getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(String what, Callable<Boolean> condition) throws Exception {
        await(what, condition, 60_000);
    }

    static void await(String what, Callable<Boolean> condition, long timeoutMs) throws Exception {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** An RPC type (selected by class name, so a public subclass with a no-argument constructor) whose log appenders {@code appenders} makes. */
    abstract static class AppenderRpcType implements RpcType {
        interface Appenders {
            LogAppender make(RaftServer.Division server, LeaderState state, FollowerInfo follower);
        }

        private final Appenders appenders;

        AppenderRpcType(Appenders appenders) {
            this.appenders = appenders;
        }

        @Override
        public String name() {
            return getClass().getName();
        }

        @Override
        public RpcFactory newFactory(Parameters parameters) {
            return new GrpcFactory(parameters) {
                @Override
                public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo f) {
                    return appenders.make(server, state, f);
                }
            };
        }
    }

    @Override
    public void close() {
        for (RaftServer s : servers) {
            try {
                s.close();
            } catch (IOException | RuntimeException e) {
                // keep closing the others
            }
        }
    }
}

package io.raftlite.core.store;

import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The member list comes from one configuration, even when a membership change replaces it while it is read. */
class NodesConfigurationTest {

    private static final RaftPeer NODE1 = RaftPeer.newBuilder().setId("node1").setAddress("127.0.0.1:1").build();
    private static final RaftPeer NODE2 = RaftPeer.newBuilder().setId("node2").setAddress("127.0.0.1:2").build();

    @Test
    void aDemotionDuringTheReadDoesNotNameTheNodeTwice() {
        RaftConfiguration twoVoters = conf(List.of(NODE1, NODE2), List.of());
        RaftConfiguration demoted = conf(List.of(NODE1), List.of(NODE2));
        AtomicInteger reads = new AtomicInteger();
        // the first read sees the configuration before the demotion, every later one the configuration after it
        RaftServer.Division d = (RaftServer.Division) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RaftServer.Division.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getRaftConf")) {
                        return reads.getAndIncrement() == 0 ? twoVoters : demoted;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });

        assertEquals(List.of(new StoreNode("node1", "127.0.0.1:1", true), new StoreNode("node2", "127.0.0.1:2", true)),
                RaftStore.nodes(d));
        assertEquals(1, reads.get());
        assertEquals(List.of(new StoreNode("node1", "127.0.0.1:1", true), new StoreNode("node2", "127.0.0.1:2", false)),
                RaftStore.nodes(d));
    }

    private static RaftConfiguration conf(List<RaftPeer> voters, List<RaftPeer> listeners) {
        return (RaftConfiguration) Proxy.newProxyInstance(NodesConfigurationTest.class.getClassLoader(),
                new Class<?>[] {RaftConfiguration.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getCurrentPeers") && args != null && args.length == 1) {
                        return args[0] == RaftPeerRole.LISTENER ? listeners : voters;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}

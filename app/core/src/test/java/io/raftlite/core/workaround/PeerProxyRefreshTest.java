package io.raftlite.core.workaround;

import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.util.PeerProxyMap;
import org.junit.jupiter.api.Test;

import java.io.Closeable;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Canary for {@link PeerProxyRefresh}: Ratis' own {@code PeerProxyMap} with a peer id that moved. */
class PeerProxyRefreshTest {

    private static final RaftPeerId N2 = RaftPeerId.valueOf("n2");

    /** A proxy that only remembers the address it was created for. */
    private record Dialer(String address) implements Closeable {
        @Override
        public void close() {
        }
    }

    @Test
    void stockProxyMapKeepsThePeersFirstAddress() throws Exception {
        try (PeerProxyMap<Dialer> map = new PeerProxyMap<>("test", p -> new Dialer(p.getAddress()))) {
            map.addRaftPeers(List.of(RaftPeer.newBuilder().setId("n2").setAddress("127.0.23.2:4002").build()));
            assertEquals("127.0.23.2:4002", map.getProxy(N2).address());

            // the same id in a later configuration, at another address (a moved node), as Ratis' staging adds it
            map.addRaftPeers(List.of(RaftPeer.newBuilder().setId("n2").setAddress("127.0.23.9:4002").build()));
            map.resetProxy(N2); // what Ratis does after a failed call
            assertEquals("127.0.23.2:4002", map.getProxy(N2).address(),
                    "Ratis now dials a moved peer at its new address: PeerProxyRefresh's proxy part can go");
        }
        assertTrue(PeerProxyRefresh.SUPPORTED, "the Ratis internals PeerProxyRefresh reaches by reflection exist");
    }
}

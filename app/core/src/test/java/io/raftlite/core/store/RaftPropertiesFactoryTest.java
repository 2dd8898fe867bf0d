package io.raftlite.core.store;

import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.raftlite.core.store.StoreTestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class RaftPropertiesFactoryTest {

    private static final RaftGroupId GROUP = RaftPropertiesFactory.groupId("test-cluster");
    private static final RaftPeer SELF = RaftPeer.newBuilder().setId("node1").setAddress("127.0.0.1:4002").build();
    private static final RaftPeer OTHER = RaftPeer.newBuilder().setId("node2").setAddress("127.0.0.2:4002").build();

    @TempDir
    Path dir;

    @Test
    void theOnlyVoterOfANewGroupCampaignsAtOnceAndTheSharedSettingsStayAsTheyWere() {
        RaftProperties base = base();
        RaftProperties solo = RaftPropertiesFactory.forStart(base, RaftGroup.valueOf(GROUP, SELF), SELF.getId());

        assertNotSame(base, solo);
        assertEquals(5, firstElectionMin(solo));
        assertEquals(15, firstElectionMax(solo));
        assertEquals(150, firstElectionMin(base));
        assertEquals(300, firstElectionMax(base));
        assertEquals(RaftServerConfigKeys.Rpc.timeoutMin(base), RaftServerConfigKeys.Rpc.timeoutMin(solo));
        assertEquals(RaftServerConfigKeys.storageDir(base), RaftServerConfigKeys.storageDir(solo));
    }

    @Test
    void everyOtherStartKeepsTheUsualFirstElectionTimeout() {
        RaftProperties base = base();
        RaftPeer selfAsListener = RaftPeer.newBuilder(SELF).setStartupRole(RaftPeerRole.LISTENER).build();
        for (RaftGroup g : List.of(
                RaftGroup.valueOf(GROUP, List.of()),         // joining, or restarting from its Raft state
                RaftGroup.valueOf(GROUP, selfAsListener),    // joining as a listener
                RaftGroup.valueOf(GROUP, OTHER),             // a group this node is not in
                RaftGroup.valueOf(GROUP, SELF, OTHER))) {     // bootstrap-expect: several voters elect
            assertSame(base, RaftPropertiesFactory.forStart(base, g, SELF.getId()), g.toString());
        }
    }

    private RaftProperties base() {
        return RaftPropertiesFactory.build(config(dir, 4002, 1000, 1 << 20), dir.resolve("raft"),
                EntryLimits.forCommand(1 << 20));
    }

    private static long firstElectionMin(RaftProperties p) {
        return RaftServerConfigKeys.Rpc.firstElectionTimeoutMin(p).toLong(TimeUnit.MILLISECONDS);
    }

    private static long firstElectionMax(RaftProperties p) {
        return RaftServerConfigKeys.Rpc.firstElectionTimeoutMax(p).toLong(TimeUnit.MILLISECONDS);
    }
}

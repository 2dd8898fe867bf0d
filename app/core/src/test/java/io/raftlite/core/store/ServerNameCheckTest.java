package io.raftlite.core.store;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Through Ratis' real gRPC/Netty client: a node whose certificate does not name the host dialed is refused, unless
 * -node-verify-server-name names what the certificate carries.
 */
class ServerNameCheckTest extends TlsStoreTestBase {

    @Test
    void aPeerCertificateMustNameTheHostDialedOrTheConfiguredName() throws Exception {
        TestPki ca = TestPki.create("name-ca");
        String host = "127.0.17.41";
        String addr = host + ":" + ClusterTestSupport.freePort(host);
        TestPki.NodeFiles misnamed = ca.issue(tmp.resolve("tls"), "n1", "raft.internal");
        StoreConfig server = new StoreConfig("n1", addr, addr, tmp.resolve("n1"), "names", 1000, 1 << 20, 2,
                Duration.ofSeconds(10)).withTls(misnamed.tls());
        start(server, true).awaitReady(Duration.ofSeconds(30));
        TestPki.NodeFiles caller = ca.issue(tmp.resolve("caller"), "n2", "127.0.17.42");
        RaftGroup group = RaftGroup.valueOf(RaftPropertiesFactory.groupId("names"),
                RaftPeer.newBuilder().setId("n1").setAddress(addr).build());

        RaftTransport byHost = RaftTransport.of(caller.tls());
        try (RaftClient c = byHost.client(group, null, Duration.ofSeconds(3), RetryPolicies.noRetry())) {
            Throwable t = assertThrows(Throwable.class, () -> c.getGroupManagementApi(group.getPeers().iterator().next()
                    .getId()).info(group.getGroupId()));
            StringBuilder chain = new StringBuilder();
            for (Throwable c2 = t; c2 != null; c2 = c2.getCause()) {
                chain.append(c2).append(" <- ");
            }
            assertTrue(chain.toString().contains("does not name " + host), chain.toString());
        }
        RaftTransport byName = RaftTransport.of(new TlsConfig(caller.cert(), caller.key(), caller.ca(), true,
                "raft.internal", false));
        try (RaftClient c = byName.client(group, null, Duration.ofSeconds(3), RetryPolicies.noRetry())) {
            assertTrue(c.getGroupManagementApi(group.getPeers().iterator().next().getId()).info(group.getGroupId())
                    .isSuccess());
        }
    }
}

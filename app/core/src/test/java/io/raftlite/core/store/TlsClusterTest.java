package io.raftlite.core.store;

import io.raftlite.core.command.Command;
import io.raftlite.core.command.CommandCodec;
import io.raftlite.core.command.Statement;
import io.raftlite.core.tls.ReloadingKeyManager;
import io.raftlite.core.tls.ReloadingTrustManager;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three stores with mutual TLS on 127.0.16.x: the cluster forms, writes through the leader and a follower are
 * applied everywhere, and an outsider with Ratis' own client (no certificate, or one from another CA) gets no
 * read, write, configuration change or group change through.
 */
class TlsClusterTest extends TlsStoreTestBase {

    private static final String CLUSTER = "tls-cluster";

    private StoreConfig config(TestPki ca, int n) throws Exception {
        return config(ca, CLUSTER, "127.0.16." + n, n);
    }


    @Test
    void aMutualTlsClusterWorksAndAnOutsiderGetsNothingThrough() throws Exception {
        TestPki ca = TestPki.create("cluster-ca");
        List<StoreConfig> configs = List.of(config(ca, 1), config(ca, 2), config(ca, 3));
        RaftStore n1 = ClusterTestSupport.formVoters(configs, this::start);
        ClusterTestSupport.execute(n1, "CREATE TABLE counter (n INTEGER)");
        ClusterTestSupport.execute(n1, "INSERT INTO counter VALUES (1)");
        RaftStore follower = stores.stream().filter(s -> !s.isLeader()).findFirst().orElseThrow();
        ClusterTestSupport.execute(follower, "UPDATE counter SET n = n + 1");
        for (RaftStore s : stores) {
            ClusterTestSupport.awaitCounter(s, 2);
        }

        TestPki other = TestPki.create("cluster-ca"); // same name, another key: what a forger would try
        TestPki.NodeFiles forged = other.issue(tmp.resolve("forged"), "n9", "127.0.16.9");
        RaftGroup group = RaftGroup.valueOf(RaftPropertiesFactory.groupId(CLUSTER),
                configs.stream().map(c -> RaftPeer.newBuilder().setId(c.nodeId()).setAddress(c.raftAdvertisedAddress())
                        .build()).toList());
        assertOutsiderRefused(group, null);
        assertOutsiderRefused(group, new GrpcTlsConfig(new ReloadingKeyManager(forged.cert(), forged.key()),
                ReloadingTrustManager.acceptingAny(), true));
        assertOutsiderRefused(group, new GrpcTlsConfig(null, ReloadingTrustManager.acceptingAny(), false));

        ClusterTestSupport.execute(n1, "UPDATE counter SET n = n + 1");
        for (RaftStore s : stores) {
            ClusterTestSupport.awaitCounter(s, 3);
            assertEquals(3, s.nodes().size(), "membership unchanged");
        }
        assertFalse(Files.exists(tmp.resolve("attached.db")), "the outsider's ATTACH was never applied");
    }

    /**
     * A follower's certificate and key are replaced (same CA, new serial) while writes go on; new handshakes with it
     * show the new certificate without a restart of that node, and the other follower, restarted, reconnects to it
     * (both directions handshake anew). Every acknowledged write is on every node.
     */
    @Test
    void aRotatedCertificateIsServedWithoutARestartAndNoWriteIsLost() throws Exception {
        TestPki ca = TestPki.create("cluster-ca");
        List<StoreConfig> configs = List.of(config(ca, 4), config(ca, 5), config(ca, 6));
        ClusterTestSupport.formVoters(configs, this::start);
        RaftStore leader = stores.get(stores.indexOf(stores.stream().filter(RaftStore::isLeader).findFirst().orElseThrow()));
        ClusterTestSupport.execute(leader, "CREATE TABLE counter (n INTEGER)");
        ClusterTestSupport.execute(leader, "INSERT INTO counter VALUES (0)");
        List<StoreConfig> followers = configs.stream().filter(c -> !c.nodeId().equals(leader.status().nodeId())).toList();
        StoreConfig rotated = followers.get(0);
        StoreConfig restarted = followers.get(1);

        java.util.concurrent.atomic.AtomicLong acked = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CompletableFuture<Void> writer = java.util.concurrent.CompletableFuture.runAsync(() -> {
            while (!stop.get()) {
                try {
                    ClusterTestSupport.execute(leader, "UPDATE counter SET n = n + 1");
                } catch (Exception e) {
                    throw new IllegalStateException("a write failed during the rotation", e);
                }
                acked.incrementAndGet();
            }
        });
        java.math.BigInteger before = TlsProbe.servedCertificate(rotated.raftAdvertisedAddress(), Duration.ofSeconds(2)).orElseThrow().getSerialNumber();
        String host = rotated.raftAdvertisedAddress().substring(0, rotated.raftAdvertisedAddress().lastIndexOf(':'));
        ca.issued(rotated.nodeId(), host).writeTo(rotated.tls().certFile(), rotated.tls().keyFile());
        ClusterTestSupport.await("the rotated certificate served", () -> !before.equals(
                TlsProbe.servedCertificate(rotated.raftAdvertisedAddress(), Duration.ofSeconds(2)).orElseThrow().getSerialNumber()));

        RaftStore old = stores.stream().filter(s -> s.status().nodeId().equals(restarted.nodeId())).findFirst().orElseThrow();
        old.close();
        stores.remove(old);
        start(restarted, false);
        long target = acked.get() + 20;
        ClusterTestSupport.await("20 more writes", () -> acked.get() >= target || writer.isDone());
        stop.set(true);
        writer.get(60, TimeUnit.SECONDS);
        for (RaftStore s : stores) {
            ClusterTestSupport.awaitCounter(s, acked.get());
        }
    }

    private void assertOutsiderRefused(RaftGroup group, GrpcTlsConfig tls) throws Exception {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(2, TimeUnit.SECONDS));
        Parameters params = new Parameters();
        if (tls != null) {
            GrpcConfigKeys.TLS.setConf(params, tls);
        }
        byte[] attach = CommandCodec.encode(Command.execute(List.of(Statement.of("ATTACH '"
                + tmp.resolve("attached.db") + "' AS x"), Statement.of("CREATE TABLE x.t (a)")), false, 1, 1));
        RaftPeerId target = group.getPeers().iterator().next().getId();
        try (RaftClient c = RaftClient.newBuilder().setProperties(p).setParameters(params).setRaftGroup(group)
                .setRetryPolicy(RetryPolicies.noRetry()).build()) {
            List<Executable> calls = List.of(
                    () -> c.io().send(ClusterClient.message(attach)),
                    () -> c.io().sendReadOnly(ClusterClient.message(new byte[]{1})),
                    () -> c.io().sendStaleRead(ClusterClient.message(new byte[]{1}), 0, target),
                    () -> c.admin().setConfiguration(List.of(RaftPeer.newBuilder().setId("evil")
                            .setAddress("127.0.16.9:1").build())),
                    () -> c.getGroupManagementApi(target).info(group.getGroupId()),
                    () -> c.getGroupManagementApi(target).list(),
                    () -> c.getGroupManagementApi(target).add(RaftGroup.valueOf(RaftPropertiesFactory.groupId("evil"),
                            group.getPeer(target))),
                    () -> c.getGroupManagementApi(target).remove(group.getGroupId(), true, false));
            for (Executable call : calls) {
                Throwable t = assertThrows(Throwable.class, call, "an outsider's call went through (" + tls + ")");
                assertTrue(!(t instanceof AssertionError), String.valueOf(t));
            }
        }
    }
}

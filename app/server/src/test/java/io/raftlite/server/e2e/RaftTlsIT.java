package io.raftlite.server.e2e;

import io.raftlite.core.store.TlsProbe;
import io.raftlite.core.tls.CertificateAuthority;
import io.raftlite.discovery.tck.EtcdProcess;
import io.raftlite.core.tls.ReloadingKeyManager;
import io.raftlite.core.tls.ReloadingTrustManager;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.RaftGroup;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static io.raftlite.server.e2e.CrashRecoveryIT.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutual TLS on the Raft port with the real jar on 127.0.17.x, certificates from {@link CertificateAuthority}: three
 * nodes form a cluster with -bootstrap-expect, writes go through the leader and a follower, a fourth node joins
 * (receiving the leader's snapshot) and is removed, a plaintext node is told the cluster requires TLS, an outsider with Ratis' own client gets nothing
 * through, and a node's certificate is rotated under writes without a restart.
 */
class RaftTlsIT extends DiscoveryScenarios {

    private static final String CLUSTER = "tls-it";
    private static final Duration VALIDITY = Duration.ofDays(1);

    private List<String> tlsArgs(CertificateAuthority ca, NodeProcess n, String id) throws Exception {
        Path dir = tmp.resolve("tls");
        Files.createDirectories(dir);
        ca.writeTo(dir.resolve("ca.crt"), dir.resolve("ca.key"));
        ca.issueNode(id, List.of(n.host), VALIDITY).writeTo(dir.resolve(id + ".crt"), dir.resolve(id + ".key"));
        return List.of("-node-id", id, "-cluster-name", CLUSTER, "-node-cert", dir.resolve(id + ".crt").toString(),
                "-node-key", dir.resolve(id + ".key").toString(), "-node-ca-cert", dir.resolve("ca.crt").toString());
    }

    private static List<String> plus(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all;
    }

    @Test
    void aMutualTlsClusterFormsJoinsRemovesRotatesAndRefusesOutsiders() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("raftlite-it-ca", VALIDITY);
        List<NodeProcess> three = prepare("c", "127.0.17.", 3);
        String join = three.stream().map(n -> n.host + ":" + n.raftPort).collect(Collectors.joining(","));
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            three.get(i).launch(plus(tlsArgs(ca, three.get(i), "n" + (i + 1)), "-join", join, "-bootstrap-expect", "3",
                    "-raft-snap", "50", "-raft-log-segment-size", "16KiB").toArray(String[]::new));
        }
        for (NodeProcess n : three) {
            n.awaitReady(Duration.ofSeconds(120));
        }
        print("3-node mTLS cluster ready in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
        assertOneCluster(three, "t");
        NodeProcess leader = three.stream().filter(n -> status(n).contains("\"state\":\"Leader\"")).findFirst().orElseThrow();
        ok(leader.post("/db/execute", "[\"INSERT INTO t(v) VALUES ('via the leader')\"]"));

        assertOutsidersRefused(ca, three);

        for (int i = 0; i < 500; i++) { // ten snapshots' worth of entries: the leader purges the log's start
            ok(leader.post("/db/execute", "[\"INSERT INTO t(v) VALUES ('fill')\"]"));
        }
        NodeProcess fourth = NodeProcess.prepare("127.0.17.4", tmp.resolve("c").resolve("n4"));
        nodes.add(fourth);
        fourth.launch(plus(tlsArgs(ca, fourth, "n4"), "-join", join, "-raft-snap", "50", "-raft-log-segment-size", "16KiB")
                .toArray(String[]::new));
        fourth.awaitReady(Duration.ofSeconds(120));
        awaitLog(fourth, "installed the leader's snapshot");
        await("the fourth node has the data", () -> query(fourth, "SELECT v FROM t").contains("via the leader"));

        NodeProcess.Result plain = NodeProcess.run(Duration.ofSeconds(60), "-http-addr", "127.0.17.5:"
                        + NodeProcess.freePort("127.0.17.5"), "-raft-addr", "127.0.17.5:" + NodeProcess.freePort("127.0.17.5"),
                "-cluster-name", CLUSTER, "-join", join, "-join-timeout", "5s", tmp.resolve("plain").toString());
        assertEquals(1, plain.exitCode(), plain.stderr());
        assertTrue(plain.stderr().contains("requires TLS: give this node -node-cert"), plain.stderr());

        ok(leader.send("DELETE", "/remove", "{\"id\": \"n4\"}".getBytes(StandardCharsets.UTF_8), "application/json"));
        Set<String> members = three.stream().map(n -> n.host + ":" + n.raftPort).collect(Collectors.toCollection(TreeSet::new));
        await("n4 removed", () -> members(leader).equals(members));

        rotateUnderWrites(ca, leader, three);
    }

    /**
     * No certificate, a certificate from another CA, TLS without a client certificate, and a client certificate
     * signed by the cluster's own CA: nothing gets through.
     */
    private void assertOutsidersRefused(CertificateAuthority ca, List<NodeProcess> cluster) throws Exception {
        RaftGroup group = RaftOutsider.group(CLUSTER, cluster.stream().map(n -> n.host + ":" + n.raftPort).toList());
        Path attached = tmp.resolve("attached.db");
        CertificateAuthority forger = CertificateAuthority.create("raftlite-it-ca", VALIDITY);
        Path dir = tmp.resolve("forged");
        Files.createDirectories(dir);
        forger.issueNode("n1", List.of("127.0.17.1"), VALIDITY).writeTo(dir.resolve("n1.crt"), dir.resolve("n1.key"));
        GrpcTlsConfig forged = new GrpcTlsConfig(new ReloadingKeyManager(dir.resolve("n1.crt"), dir.resolve("n1.key")),
                ReloadingTrustManager.acceptingAny(), true);
        GrpcTlsConfig noClientCert = new GrpcTlsConfig(null, ReloadingTrustManager.acceptingAny(), false);
        ca.issueClient("app", VALIDITY).writeTo(dir.resolve("app.crt"), dir.resolve("app.key"));
        GrpcTlsConfig clientCert = new GrpcTlsConfig(new ReloadingKeyManager(dir.resolve("app.crt"), dir.resolve("app.key")),
                ReloadingTrustManager.acceptingAny(), true);
        for (GrpcTlsConfig tls : new GrpcTlsConfig[]{null, forged, noClientCert, clientCert}) {
            Map<String, String> through = RaftOutsider.callsThatWentThrough(group, tls, attached);
            assertEquals(Map.of(), through, "calls of an outsider that went through");
        }
        assertFalse(Files.exists(attached), "the outsider's ATTACH created a file");
    }

    /**
     * A follower's certificate and key are replaced (same CA, new serial) while writes go to the leader; new
     * handshakes get the new certificate without a restart; the other follower restarts and reconnects (it
     * handshakes with the rotated node anew); every acknowledged write is on every node.
     */
    private void rotateUnderWrites(CertificateAuthority ca, NodeProcess leader, List<NodeProcess> three) throws Exception {
        ok(leader.post("/db/execute", "[\"CREATE TABLE w (v INTEGER)\"]"));
        List<NodeProcess> followers = three.stream().filter(n -> n != leader).toList();
        NodeProcess rotated = followers.get(0);
        NodeProcess restarted = followers.get(1);
        String rotatedId = "n" + (three.indexOf(rotated) + 1);
        AtomicLong acked = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            while (!stop.get()) {
                try {
                    ok(leader.post("/db/execute", "[\"INSERT INTO w(v) VALUES (1)\"]"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                acked.incrementAndGet();
            }
        });
        BigInteger before = served(rotated);
        Path dir = tmp.resolve("tls");
        ca.issueNode(rotatedId, List.of(rotated.host), VALIDITY).writeTo(dir.resolve(rotatedId + ".crt"),
                dir.resolve(rotatedId + ".key"));
        await("the rotated certificate served", () -> {
            try {
                return !before.equals(served(rotated));
            } catch (Exception e) {
                return false;
            }
        });
        long rotatedPid = rotated.pid();
        assertEquals(0, restarted.stop());
        restarted.restart();
        long target = acked.get() + 20;
        await("20 more writes after the restart", () -> acked.get() >= target || writer.isDone());
        stop.set(true);
        writer.get(60, TimeUnit.SECONDS);
        assertEquals(rotatedPid, rotated.pid(), "the rotated node was not restarted");
        for (NodeProcess n : three) {
            await("all " + acked.get() + " writes on " + n.host,
                    () -> query(n, "SELECT COUNT(*) FROM w").equals("[{columns=[COUNT(*)], types=[integer], values=[["
                            + acked.get() + "]]}]"));
        }
    }

    private static BigInteger served(NodeProcess n) throws Exception {
        return TlsProbe.servedCertificate(n.host + ":" + n.raftPort, Duration.ofSeconds(2)).orElseThrow().getSerialNumber();
    }

    /** Issue 4's discovery over etcd, with mutual TLS between the nodes: they claim, form and join as without it. */
    @Test
    void threeTlsNodesFormOneClusterThroughEtcdDiscovery() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.start("127.0.17.60")) {
            CertificateAuthority ca = CertificateAuthority.create("raftlite-it-ca", VALIDITY);
            List<NodeProcess> three = prepare("etcd", "127.0.17.3", 3);
            long start = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                three.get(i).launch(plus(tlsArgs(ca, three.get(i), "e" + (i + 1)), "-disco-mode", "etcd-kv", "-disco-key",
                        "tls-it", "-disco-config", "{\"endpoints\":[\"" + etcd.endpoint() + "\"]}").toArray(String[]::new));
            }
            for (NodeProcess n : three) {
                n.awaitReady(Duration.ofSeconds(120));
            }
            print("3-node mTLS cluster through etcd ready in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                    + " ms");
            assertOneCluster(three, "e");
        }
    }

    @Test
    void aRoutableRaftAddressWithoutTlsEndsTheProcessBeforeItBindsAnything() throws Exception {
        String host = "127.0.17.9";
        NodeProcess.Result r = NodeProcess.run(Duration.ofSeconds(60), "-http-addr", host + ":" + NodeProcess.freePort(host),
                "-raft-addr", host + ":" + NodeProcess.freePort(host), "-raft-adv-addr", "10.255.255.1:4002",
                tmp.resolve("refused").toString());
        assertEquals(2, r.exitCode(), r.stderr());
        assertEquals(1, r.stderr().strip().lines().count(), "one line: " + r.stderr());
        assertTrue(r.stderr().contains("refusing to serve Raft without TLS on 10.255.255.1:4002")
                && r.stderr().contains("-node-cert") && r.stderr().contains("-raft-insecure"), r.stderr());
        assertFalse(Files.exists(tmp.resolve("refused")), "nothing was created before the refusal");
    }
}

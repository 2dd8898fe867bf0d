package io.raftlite.discovery.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.LeaseOption;
import io.raftlite.discovery.Claim;
import io.raftlite.discovery.ClusterRecord;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryConfig;
import io.raftlite.discovery.DiscoveryException;
import io.raftlite.discovery.DiscoveryUnavailableException;
import io.raftlite.discovery.Member;
import io.raftlite.discovery.RecordJson;
import io.raftlite.discovery.StoredRecord;
import io.raftlite.discovery.tck.EtcdProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What etcd-kv does beyond the contract: rqlite's key layout, etcd's leases, its failures, a restart. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdDiscoveryClientTest {

    private static EtcdProcess etcd;
    private static Client raw;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdProcess.start();
        raw = Client.builder().endpoints(etcd.endpoint()).build();
    }

    @AfterAll
    static void stopEtcd() {
        if (raw != null) {
            raw.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @AfterEach
    void closeOpened() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        opened.add(c);
        return c;
    }

    private DiscoveryClient client(String key, String endpoint, Map<String, Object> extra) {
        Map<String, Object> settings = new java.util.HashMap<>(extra);
        settings.put("endpoints", endpoint);
        return track(new EtcdDiscoveryClientProvider().create(new DiscoveryConfig(key, settings)));
    }

    private DiscoveryClient client(String key) {
        return client(key, etcd.endpoint(), Map.of());
    }

    private static String freshKey() {
        return "etcd-test/" + UUID.randomUUID();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static KeyValue rawLeaderKey(String key) throws Exception {
        List<KeyValue> kvs = raw.getKVClient().get(bytes("/" + key + "/leader")).get(10, TimeUnit.SECONDS).getKvs();
        assertEquals(1, kvs.size(), "the record is at /<key>/leader, as rqlite's etcd disco writes it");
        return kvs.get(0);
    }

    private static long grantedTtl(long lease) throws Exception {
        return raw.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT).get(10, TimeUnit.SECONDS).getGrantedTTL();
    }

    private static final Member ONE = new Member("node-1", "127.0.0.11:4002", "http://127.0.0.11:4001");
    private static final Member TWO = new Member("node-2", "127.0.0.12:4002", "http://127.0.0.12:4001");

    @Test
    void theRecordIsRqlitesLeaderKeyHoldingTheSharedJson() throws Exception {
        String key = freshKey();
        DiscoveryClient c = client(key);
        ClusterRecord claimed = ClusterRecord.claimed("c1", ONE, System.currentTimeMillis());
        Claim claim = c.claim(claimed, Duration.ofSeconds(2)).orElseThrow();

        KeyValue kv = rawLeaderKey(key);
        assertArrayEquals(RecordJson.encode(claimed), kv.getValue().getBytes());
        assertEquals(claim.version(), kv.getModRevision());
        assertNotEquals(0, kv.getLease(), "a claimed key lives on a lease");
        // rqlite's GetLeader unmarshals exactly these leading fields
        assertTrue(kv.getValue().toString(StandardCharsets.UTF_8)
                .startsWith("{\"id\":\"node-1\",\"api_addr\":\"http://127.0.0.11:4001\",\"addr\":\"127.0.0.11:4002\","));

        ClusterRecord formed = ClusterRecord.formed("c1", ONE, List.of(ONE, TWO), System.currentTimeMillis());
        StoredRecord stored = claim.form(formed);
        kv = rawLeaderKey(key);
        assertArrayEquals(RecordJson.encode(formed), kv.getValue().getBytes());
        assertEquals(stored.version(), kv.getModRevision());
        assertEquals(0, kv.getLease(), "a formed key has no lease");
    }

    @Test
    void claimTtlsAreWholeSecondsOfAtLeastTwo() throws Exception {
        String key = freshKey();
        DiscoveryClient c = client(key);
        Claim claim = c.claim(ClusterRecord.claimed("c1", ONE, 1), Duration.ofMillis(300)).orElseThrow();
        assertEquals(2, grantedTtl(rawLeaderKey(key).getLease()), "300 ms is rounded up to etcd's 2 s minimum");
        claim.abandon();
        c.claim(ClusterRecord.claimed("c1", ONE, 1), Duration.ofMillis(2500)).orElseThrow();
        assertEquals(3, grantedTtl(rawLeaderKey(key).getLease()), "2.5 s is rounded up to 3 s");
    }

    @Test
    void aClaimWhoseKeyWasRewrittenNeitherRenewsNorForms() throws Exception {
        String key = freshKey();
        Claim claim = client(key).claim(ClusterRecord.claimed("c1", ONE, 1), Duration.ofSeconds(10)).orElseThrow();
        ClusterRecord other = ClusterRecord.formed("c2", TWO, List.of(TWO), 2);
        assertTrue(client(key).replace(other, claim.version()));

        assertFalse(claim.renew(), "the lease lives, but the key is no longer the claimed one");
        assertNull(claim.form(ClusterRecord.formed("c1", ONE, List.of(ONE), 3)));
        assertEquals(other, client(key).read().orElseThrow().record(), "revoking the old lease left the rewrite alone");
    }

    @Test
    void aValueRaftliteDidNotWriteIsAnErrorNotAnOutage() throws Exception {
        String key = freshKey();
        // what rqlite itself stores under its leader key: no "state", so no raftlite record
        raw.getKVClient().put(bytes("/" + key + "/leader"),
                bytes("{\"id\":\"1\",\"api_addr\":\"http://h:4001\",\"addr\":\"h:4002\"}")).get(10, TimeUnit.SECONDS);
        DiscoveryClient c = client(key);
        DiscoveryException e = assertThrows(DiscoveryException.class, c::read);
        assertFalse(e instanceof DiscoveryUnavailableException, "retrying would not help: " + e);
        assertTrue(e.getMessage().contains("not a raftlite discovery record"), e.getMessage());
        assertTrue(c.claim(ClusterRecord.claimed("c1", ONE, 1), Duration.ofSeconds(2)).isEmpty(),
                "a key that exists is never claimed, whoever wrote it");
    }

    @Test
    void aStoreThatAcceptsButNeverAnswersIsUnavailableAfterTheRequestTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName(EtcdProcess.HOST))) {
            DiscoveryClient c = client(freshKey(), "http://" + EtcdProcess.HOST + ":" + silent.getLocalPort(),
                    Map.of("request-timeout", "1s"));
            long start = System.nanoTime();
            DiscoveryUnavailableException e = assertThrows(DiscoveryUnavailableException.class, c::read);
            System.out.printf("a silent store was reported after %d ms: %s%n",
                    (System.nanoTime() - start) / 1_000_000, e.getMessage());
            assertThrows(DiscoveryUnavailableException.class,
                    () -> c.claim(ClusterRecord.claimed("c1", ONE, 1), Duration.ofSeconds(2)));
        }
    }

    @Test
    void credentialsAreSentToTheStore() throws Exception {
        // this etcd has no auth: it refuses a login, which shows the credentials reach it (EtcdAuthTest logs in)
        DiscoveryClient c = client(freshKey(), etcd.endpoint(), Map.of("username", "root", "password", "pw"));
        DiscoveryException e = assertThrows(DiscoveryException.class, c::read);
        assertFalse(e instanceof DiscoveryUnavailableException, "a refused login is not an outage: " + e);
        assertTrue(e.getMessage().contains("authentication"), "etcd's reason is passed on: " + e.getMessage());
    }

    @Test
    void closeNeverThrowsEvenTwice() {
        DiscoveryClient c = client(freshKey());
        c.close();
        c.close();
    }

    @Test
    void aFormedRecordSurvivesAnEtcdRestartAndTheClientReconnects() throws Exception {
        try (EtcdProcess own = EtcdProcess.start()) {
            String key = freshKey();
            DiscoveryClient c = client(key, own.endpoint(), Map.of("request-timeout", "1s"));
            ClusterRecord claimed = ClusterRecord.claimed("c1", ONE, 1);
            StoredRecord formed = c.claim(claimed, Duration.ofSeconds(2)).orElseThrow()
                    .form(ClusterRecord.formed("c1", ONE, List.of(ONE), 2));

            DiscoveryClient other = client(freshKey(), own.endpoint(), Map.of("request-timeout", "1s"));
            Claim unformed = other.claim(claimed, Duration.ofSeconds(30)).orElseThrow();

            own.stop();
            assertThrows(DiscoveryUnavailableException.class, c::read, "a stopped etcd is an outage");
            assertThrows(DiscoveryUnavailableException.class, unformed::renew, "so is a renewal that cannot reach it");
            own.restart();
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    assertEquals(formed, c.read().orElseThrow());
                    break;
                } catch (DiscoveryUnavailableException e) {
                    assertTrue(System.nanoTime() < deadline, "the client did not reconnect within 60 s: " + e);
                    Thread.sleep(100);
                }
            }
            System.out.printf("the client read again %d ms after etcd answered its health check%n",
                    (System.nanoTime() - start) / 1_000_000);
            boolean renewed;
            while (true) { // the other client has its own channel, which reconnects on its own schedule
                try {
                    renewed = unformed.renew();
                    break;
                } catch (DiscoveryUnavailableException e) {
                    assertTrue(System.nanoTime() < deadline, "the other client did not reconnect within 60 s: " + e);
                    Thread.sleep(100);
                }
            }
            assertTrue(renewed, "etcd keeps leases across a restart (and restarts their TTL)");
            assertNotNull(unformed.form(ClusterRecord.formed("c1", ONE, List.of(ONE), 3)));
        }
    }
}

package io.raftlite.discovery.tck;

import io.raftlite.discovery.Claim;
import io.raftlite.discovery.ClusterRecord;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryUnavailableException;
import io.raftlite.discovery.Member;
import io.raftlite.discovery.StoredRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of a check-and-set {@link DiscoveryClient} (Consul KV, etcd, any third-party store). A
 * provider's test extends this class and says how to reach a running store; every test uses its own key,
 * so the store may be shared by all of them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class CheckAndSetContract {

    private final List<DiscoveryClient> opened = new ArrayList<>();

    /** A new client for {@code key} against the running store. */
    protected abstract DiscoveryClient newClient(String key) throws Exception;

    /** A client for {@code key} whose store does not answer (a closed loopback port, say). */
    protected abstract DiscoveryClient unreachableClient(String key) throws Exception;

    /** The TTL the expiry tests claim with; the store's minimum (Consul's is 10 s). */
    protected abstract Duration claimTtl();

    /** How long after the TTL a store may take to drop an expired claim (Consul: up to another TTL). */
    protected Duration expiryGrace() {
        return claimTtl();
    }

    @AfterEach
    void closeClients() {
        opened.forEach(DiscoveryClient::close);
        opened.clear();
    }

    protected final DiscoveryClient client(String key) throws Exception {
        DiscoveryClient c = newClient(key);
        opened.add(c);
        return c;
    }

    protected static String freshKey() {
        return "tck/" + UUID.randomUUID();
    }

    protected static Member member(int i) {
        return new Member("node-" + i, "127.0.0." + (10 + i) + ":4002", "http://127.0.0." + (10 + i) + ":4001");
    }

    private static ClusterRecord claimOf(int i) {
        return ClusterRecord.claimed("cluster-of-" + i, member(i), System.currentTimeMillis());
    }

    private static ClusterRecord formedBy(ClusterRecord claimed, int members) {
        List<Member> all = new ArrayList<>();
        for (int i = 1; i <= members; i++) {
            all.add(member(i));
        }
        return ClusterRecord.formed(claimed.clusterId(), claimed.leader(), all, System.currentTimeMillis());
    }

    @Test
    void reportsItsModeKeyAndKind() throws Exception {
        String key = freshKey();
        DiscoveryClient c = client(key);
        assertEquals(key, c.key());
        assertTrue(c.checkAndSet(), "a check-and-set store says so");
        assertFalse(c.mode().isBlank());
    }

    @Test
    void anAbsentKeyReadsEmpty() throws Exception {
        assertEquals(Optional.empty(), client(freshKey()).read());
    }

    @Test
    void exactlyOneOfManyConcurrentClaimsWins() throws Exception {
        String key = freshKey();
        int n = 8;
        List<DiscoveryClient> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clients.add(client(key));
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Optional<Claim>>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                DiscoveryClient c = clients.get(i);
                ClusterRecord mine = claimOf(i);
                results.add(pool.submit(() -> {
                    go.await();
                    return c.claim(mine, claimTtl());
                }));
            }
            go.countDown();
            int winner = -1;
            for (int i = 0; i < n; i++) {
                if (results.get(i).get(30, TimeUnit.SECONDS).isPresent()) {
                    assertEquals(-1, winner, "two claims won: " + winner + " and " + i);
                    winner = i;
                }
            }
            assertTrue(winner >= 0, "no claim won");
            StoredRecord stored = clients.get(0).read().orElseThrow();
            assertEquals(ClusterRecord.State.CLAIMED, stored.record().state());
            assertEquals(member(winner), stored.record().leader(), "the record names the winner");
            assertEquals("cluster-of-" + winner, stored.record().clusterId());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClaimIsReadBackWithItsVersion() throws Exception {
        String key = freshKey();
        DiscoveryClient c = client(key);
        ClusterRecord mine = claimOf(1);
        Claim claim = c.claim(mine, claimTtl()).orElseThrow();
        StoredRecord read = client(key).read().orElseThrow();
        assertEquals(mine, read.record());
        assertEquals(claim.version(), read.version());
    }

    @Test
    void formingMakesTheRecordDurableAndClaimsThenFail() throws Exception {
        String key = freshKey();
        DiscoveryClient c = client(key);
        ClusterRecord mine = claimOf(1);
        Claim claim = c.claim(mine, claimTtl()).orElseThrow();
        ClusterRecord formed = formedBy(mine, 3);
        StoredRecord stored = claim.form(formed);
        assertNotNull(stored, "the holder of a live claim can form");
        assertEquals(formed, stored.record());
        assertEquals(stored, c.read().orElseThrow());

        sleep(claimTtl().plus(expiryGrace()).plusSeconds(1));
        assertEquals(stored, c.read().orElseThrow(), "a formed record outlives the claim's TTL");
        assertTrue(client(key).claim(claimOf(2), claimTtl()).isEmpty(), "nobody claims a formed key");
        assertEquals(stored, c.read().orElseThrow(), "a failed claim changes nothing");
    }

    @Test
    void anUnrenewedClaimExpiresAndItsHolderCannotFormAnyMore() throws Exception {
        String key = freshKey();
        DiscoveryClient first = client(key);
        Claim stale = first.claim(claimOf(1), claimTtl()).orElseThrow();
        assertTrue(first.read().isPresent());

        long deadline = System.nanoTime() + claimTtl().plus(expiryGrace()).plusSeconds(5).toNanos();
        while (first.read().isPresent()) {
            assertTrue(System.nanoTime() < deadline, "the claim did not expire within TTL + grace");
            sleep(Duration.ofMillis(250));
        }
        Claim fresh = client(key).claim(claimOf(2), claimTtl()).orElseThrow(() ->
                new AssertionError("another node can claim once the first claim expired"));
        assertNull(stale.form(formedBy(claimOf(1), 1)), "an expired claim must not form");
        assertFalse(stale.renew(), "an expired claim cannot be renewed");
        assertEquals(member(2), first.read().orElseThrow().record().leader(), "the new claim stands");
        assertNotNull(fresh.form(formedBy(claimOf(2), 2)));
    }

    @Test
    void aRenewedClaimOutlivesItsTtl() throws Exception {
        String key = freshKey();
        DiscoveryClient c = client(key);
        ClusterRecord mine = claimOf(1);
        Claim claim = c.claim(mine, claimTtl()).orElseThrow();
        long end = System.nanoTime() + claimTtl().plus(expiryGrace()).plusSeconds(2).toNanos();
        while (System.nanoTime() < end) {
            assertTrue(claim.renew(), "a live claim renews");
            sleep(claimTtl().dividedBy(4));
        }
        assertEquals(mine, c.read().orElseThrow().record());
        assertNotNull(claim.form(formedBy(mine, 1)));
    }

    @Test
    void anAbandonedClaimFreesTheKeyAtOnce() throws Exception {
        String key = freshKey();
        DiscoveryClient c = client(key);
        c.claim(claimOf(1), claimTtl()).orElseThrow().abandon();
        assertEquals(Optional.empty(), c.read());
        assertTrue(client(key).claim(claimOf(2), claimTtl()).isPresent());
    }

    @Test
    void theOwnerReplacesByVersionAndAStaleVersionLoses() throws Exception {
        String key = freshKey();
        DiscoveryClient c = client(key);
        ClusterRecord mine = claimOf(1);
        StoredRecord formed = c.claim(mine, claimTtl()).orElseThrow().form(formedBy(mine, 3));
        ClusterRecord newLeader = ClusterRecord.formed(mine.clusterId(), member(2), formed.record().members(),
                System.currentTimeMillis());
        assertTrue(c.replace(newLeader, formed.version()));
        StoredRecord after = client(key).read().orElseThrow();
        assertEquals(newLeader, after.record());
        assertFalse(c.replace(formed.record(), formed.version()), "a stale version must not overwrite");
        assertEquals(after, c.read().orElseThrow());
    }

    @Test
    void replacingAnAbsentRecordFails() throws Exception {
        DiscoveryClient c = client(freshKey());
        assertFalse(c.replace(formedBy(claimOf(1), 1), 1));
        assertEquals(Optional.empty(), c.read(), "replace never creates");
    }

    @Test
    void deleteNeedsTheCurrentVersion() throws Exception {
        String key = freshKey();
        DiscoveryClient c = client(key);
        ClusterRecord mine = claimOf(1);
        StoredRecord formed = c.claim(mine, claimTtl()).orElseThrow().form(formedBy(mine, 1));
        assertFalse(c.delete(formed.version() + 1000), "a wrong version must not delete");
        assertTrue(c.read().isPresent());
        assertTrue(c.delete(formed.version()));
        assertEquals(Optional.empty(), c.read());
        assertTrue(client(key).claim(claimOf(2), claimTtl()).isPresent(), "a deleted key can be claimed again");
    }

    @Test
    void recordsSurviveAClientRestart() throws Exception {
        String key = freshKey();
        DiscoveryClient c = newClient(key);
        ClusterRecord mine = claimOf(1);
        StoredRecord formed = c.claim(mine, claimTtl()).orElseThrow().form(formedBy(mine, 5));
        c.close();
        assertEquals(formed, client(key).read().orElseThrow());
    }

    @Test
    void keysAreIndependent() throws Exception {
        String a = freshKey();
        String b = freshKey();
        assertTrue(client(a).claim(claimOf(1), claimTtl()).isPresent());
        assertEquals(Optional.empty(), client(b).read());
        assertTrue(client(b).claim(claimOf(2), claimTtl()).isPresent());
        assertEquals(member(1), client(a).read().orElseThrow().record().leader());
    }

    @Test
    void anUnreachableStoreGivesATypedError() throws Exception {
        DiscoveryClient c = unreachableClient(freshKey());
        opened.add(c);
        assertThrows(DiscoveryUnavailableException.class, c::read);
        assertThrows(DiscoveryUnavailableException.class, () -> c.claim(claimOf(1), claimTtl()));
        assertThrows(DiscoveryUnavailableException.class, () -> c.replace(claimOf(1), 1));
    }

    protected static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }
}

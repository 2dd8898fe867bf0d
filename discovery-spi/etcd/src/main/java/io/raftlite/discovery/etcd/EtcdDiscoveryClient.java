package io.raftlite.discovery.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.raftlite.discovery.Claim;
import io.raftlite.discovery.ClusterRecord;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryException;
import io.raftlite.discovery.RecordJson;
import io.raftlite.discovery.StoredRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The {@code etcd-kv} client: rqlite's leader key {@code /<key>/leader} in etcd v3, holding
 * {@link RecordJson}'s bytes. The record's version is the key's mod revision.
 *
 * <ul>
 *   <li>{@link #claim}: grant a lease, then {@code Txn(If createRevision(key) == 0 Then put(key, record, lease))}.
 *       The key dies with the lease, so a claimer that stops renewing frees it.</li>
 *   <li>{@link Claim#form}: {@code Txn(If modRevision(key) == claim.version Then put(key, formed))}; the put
 *       carries no lease, which detaches the key, and the lease is then revoked.</li>
 *   <li>{@link #replace}, {@link #delete}: {@code Txn(If modRevision(key) == expectedVersion ...)}.</li>
 * </ul>
 *
 * <p>Every call, with all the etcd requests it makes and jetcd's own retries, waits at most the configured
 * request timeout; a store that cannot be reached or does not answer in time gives
 * {@link io.raftlite.discovery.DiscoveryUnavailableException}. Best-effort clean-ups (revoking a lease) get
 * what is left of that time and otherwise finish in the background.
 * jetcd retries reads and lease calls by itself but a transaction only when etcd rejected it unapplied (an
 * expired auth token), so every write here is applied at most once.
 */
public final class EtcdDiscoveryClient implements DiscoveryClient {

    /**
     * The shortest lease this client asks for. etcd grants no lease shorter than 1.5 election timeouts (2 s with
     * its default 1 s election timeout) and silently lengthens shorter requests; asking for 2 s says so.
     */
    static final long MIN_LEASE_SECONDS = 2;

    private final String key;
    private final ByteSequence leaderKey;
    private final Client client;
    private final EtcdCalls calls;

    /** Connects lazily: an unreachable store is reported by the first call. */
    public EtcdDiscoveryClient(String key, EtcdConfig config) {
        this.key = key;
        this.leaderKey = bytes(leaderKey(key));
        ClientBuilder builder = Client.builder()
                .endpoints(config.endpoints().toArray(String[]::new))
                .connectTimeout(config.dialTimeout())
                // fail fast (UNAVAILABLE) instead of queueing calls while no endpoint is connected ...
                .waitForReady(false)
                // ... and keep jetcd's retries of idempotent calls inside our own timeout
                .retryDelay(100)
                .retryMaxDelay(1000)
                .retryChronoUnit(ChronoUnit.MILLIS)
                .retryMaxAttempts(Integer.MAX_VALUE)
                .retryMaxDuration(config.requestTimeout());
        if (config.username() != null) {
            builder.user(bytes(config.username())).password(bytes(config.password()));
        }
        this.client = builder.build();
        this.calls = new EtcdCalls(String.join(",", config.endpoints()), config.requestTimeout());
    }

    /** The etcd key rqlite's etcd disco client uses for {@code -disco-key key}. */
    public static String leaderKey(String key) {
        return "/" + key + "/leader";
    }

    @Override
    public String mode() {
        return EtcdDiscoveryClientProvider.MODE;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public boolean checkAndSet() {
        return true;
    }

    @Override
    public Optional<StoredRecord> read() throws DiscoveryException {
        KeyValue kv = get(calls.deadline());
        return kv == null ? Optional.empty()
                : Optional.of(new StoredRecord(RecordJson.decode(kv.getValue().getBytes()), kv.getModRevision()));
    }

    @Override
    public Optional<Claim> claim(ClusterRecord claimed, Duration ttl) throws DiscoveryException {
        long deadline = calls.deadline();
        long seconds = Math.max(MIN_LEASE_SECONDS, (ttl.toMillis() + 999) / 1000);
        long lease = calls.await(deadline, "grant a " + seconds + " s lease",
                client.getLeaseClient().grant(seconds)).getID();
        TxnResponse txn;
        try {
            txn = calls.await(deadline, "claim " + leaderKey, client.getKVClient().txn()
                    .If(new Cmp(leaderKey, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(leaderKey, bytes(claimed), PutOption.builder().withLeaseId(lease).build()))
                    .commit());
        } catch (DiscoveryException | RuntimeException e) {
            revokeQuietly(deadline, lease); // the put may have happened; revoking removes it with the lease
            throw e;
        }
        if (!txn.isSucceeded()) {
            revokeQuietly(deadline, lease);
            return Optional.empty();
        }
        return Optional.of(new EtcdClaim(this, lease, txn.getHeader().getRevision()));
    }

    @Override
    public boolean replace(ClusterRecord record, long expectedVersion) throws DiscoveryException {
        if (expectedVersion <= 0) {
            return false; // an absent key's mod revision is 0: comparing with it would create the key
        }
        return putIfVersion(calls.deadline(), "replace", record, expectedVersion) > 0;
    }

    @Override
    public boolean delete(long expectedVersion) throws DiscoveryException {
        return deleteIfVersion(calls.deadline(), expectedVersion);
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (RuntimeException e) {
            // closing must not throw; the threads are daemons and the channel is shut down first
        }
    }

    // ---- the steps of the public calls and of EtcdClaim's; each finishes by the caller's deadline ----

    /** The leader key as stored, or null when it is absent. */
    KeyValue get(long deadline) throws DiscoveryException {
        List<KeyValue> kvs = calls.await(deadline, "read " + leaderKey, client.getKVClient().get(leaderKey)).getKvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    /** Whether the lease still lives (one keep-alive extended it). */
    boolean keepAlive(long deadline, long lease) throws DiscoveryException {
        return calls.awaitPresent(deadline, "renew lease " + Long.toHexString(lease),
                client.getLeaseClient().keepAliveOnce(lease)).isPresent();
    }

    /** Puts {@code record} without a lease if the key is still at {@code version}: its new version, or -1. */
    long putIfVersion(long deadline, String what, ClusterRecord record, long version) throws DiscoveryException {
        TxnResponse txn = calls.await(deadline, what + " " + leaderKey, client.getKVClient().txn()
                .If(sameVersion(version))
                .Then(Op.put(leaderKey, bytes(record), PutOption.DEFAULT))
                .commit());
        return txn.isSucceeded() ? txn.getHeader().getRevision() : -1;
    }

    /** Deletes the key if it is still at {@code version}. */
    boolean deleteIfVersion(long deadline, long version) throws DiscoveryException {
        if (version <= 0) {
            return false;
        }
        return calls.await(deadline, "delete " + leaderKey, client.getKVClient().txn()
                .If(sameVersion(version))
                .Then(Op.delete(leaderKey, DeleteOption.DEFAULT))
                .commit()).isSucceeded();
    }

    /**
     * Revokes a lease, deleting any key still attached; waits until {@code deadline} at most and never throws
     * (a lease that is not revoked expires after its TTL).
     */
    void revokeQuietly(long deadline, long lease) {
        EtcdCalls.awaitQuietly(deadline, client.getLeaseClient().revoke(lease));
    }

    /** A deadline one request timeout from now. */
    long deadline() {
        return calls.deadline();
    }

    private Cmp sameVersion(long version) {
        return new Cmp(leaderKey, Cmp.Op.EQUAL, CmpTarget.modRevision(version));
    }

    private static ByteSequence bytes(ClusterRecord r) {
        return ByteSequence.from(RecordJson.encode(r));
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}

package io.raftlite.discovery.consul;

import com.google.common.net.HostAndPort;
import io.raftlite.discovery.Claim;
import io.raftlite.discovery.ClusterRecord;
import io.raftlite.discovery.DiscoveryClient;
import io.raftlite.discovery.DiscoveryException;
import io.raftlite.discovery.DiscoveryUnavailableException;
import io.raftlite.discovery.RecordJson;
import io.raftlite.discovery.StoredRecord;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.ConsulException;
import org.kiwiproject.consul.KeyValueClient;
import org.kiwiproject.consul.SessionClient;
import org.kiwiproject.consul.model.kv.ImmutableOperation;
import org.kiwiproject.consul.model.kv.Operation;
import org.kiwiproject.consul.model.kv.TxResponse;
import org.kiwiproject.consul.model.kv.Value;
import org.kiwiproject.consul.model.session.ImmutableSession;
import org.kiwiproject.consul.option.ImmutablePutOptions;
import org.kiwiproject.consul.option.ImmutableQueryOptions;
import org.kiwiproject.consul.option.ImmutableTransactionOptions;
import org.kiwiproject.consul.option.QueryOptions;
import org.kiwiproject.consul.option.TransactionOptions;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * rqlite's Consul leader key {@code <disco-key>/leader} with raftlite's claim on top. A claim is a session
 * (TTL, {@code Behavior=delete}, no lock delay) that locks the key in the same {@code /v1/txn} that checks the
 * key is absent, so exactly one claimer creates it; an unrenewed session deletes the key. Forming unlocks the
 * key with the formed record in one transaction that fails unless the session still holds it, then destroys
 * the session, which no longer owns the key. Versions are Consul's {@code ModifyIndex}.
 */
final class ConsulDiscoveryClient implements DiscoveryClient {

    private static final Duration MIN_SESSION_TTL = Duration.ofSeconds(10);
    private static final long MAX_SESSION_TTL_SECONDS = 86_400;

    private final ConsulSettings settings;
    private final String key;
    private final String leaderKey;
    private final Consul consul;
    private final KeyValueClient kv;
    private final SessionClient sessions;
    private final QueryOptions query;
    private final TransactionOptions txnOptions;

    ConsulDiscoveryClient(ConsulSettings settings, String key) {
        this.settings = settings;
        this.key = key;
        this.leaderKey = key + "/leader";
        this.consul = connect(settings);
        this.kv = consul.keyValueClient();
        this.sessions = consul.sessionClient();
        this.query = ImmutableQueryOptions.builder().datacenter(Optional.ofNullable(settings.datacenter())).build();
        this.txnOptions = ImmutableTransactionOptions.builder()
                .datacenter(Optional.ofNullable(settings.datacenter())).build();
    }

    private static Consul connect(ConsulSettings s) {
        long millis = Math.max(1, s.timeout().toMillis());
        Consul.Builder b = Consul.builder()
                .withHttps(s.https())
                .withHostAndPort(HostAndPort.fromParts(s.host(), s.port()))
                .withConnectTimeoutMillis(millis)
                .withReadTimeoutMillis(millis)
                .withWriteTimeoutMillis(millis)
                .withPing(false);
        if (s.token() != null) {
            // a header, not withAclToken's ?token= query parameter, which ends up in access logs
            b.withHeaders(Map.of("X-Consul-Token", s.token()));
        }
        if (s.username() != null) {
            b.withBasicAuth(s.username(), s.password() == null ? "" : s.password());
        }
        if (s.tls() != null) {
            ConsulTls.Wiring tls = ConsulTls.of(s.tls());
            b.withSslContext(tls.context()).withTrustManager(tls.trust());
            if (tls.verifier() != null) {
                b.withHostnameVerifier(tls.verifier());
            }
        }
        return b.build();
    }

    @Override
    public String mode() {
        return ConsulDiscoveryClientProvider.MODE;
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
        Optional<Value> v = call("read " + leaderKey, () -> kv.getValue(leaderKey, query));
        if (v.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes = v.get().getValueAsBytes().orElse(new byte[0]);
        return Optional.of(new StoredRecord(RecordJson.decode(bytes), v.get().getModifyIndex()));
    }

    @Override
    public Optional<Claim> claim(ClusterRecord claimed, Duration ttl) throws DiscoveryException {
        long seconds = Math.min(MAX_SESSION_TTL_SECONDS,
                Math.max(MIN_SESSION_TTL.toSeconds(), (ttl.toMillis() + 999) / 1000));
        String session = call("create a session", () -> sessions.createSession(ImmutableSession.builder()
                .name("raftlite-claim").behavior("delete").lockDelay("0s").ttl(seconds + "s").build(),
                settings.datacenter()).getId());
        try {
            TxResponse r = txn("claim " + leaderKey,
                    op("check-not-exists").build(),
                    op("lock").value(text(claimed)).session(session).build());
            if (r == null) {
                destroyQuietly(session);
                return Optional.empty();
            }
            return Optional.of(new ConsulClaim(this, session, lastModifyIndex(r)));
        } catch (DiscoveryException | RuntimeException e) {
            destroyQuietly(session);
            throw e;
        }
    }

    @Override
    public boolean replace(ClusterRecord record, long expectedVersion) throws DiscoveryException {
        if (expectedVersion <= 0) {
            return false; // cas=0 would mean "create if absent", and replace never creates
        }
        byte[] bytes = RecordJson.encode(record);
        return call("replace " + leaderKey, () -> kv.putValue(leaderKey, bytes, 0, ImmutablePutOptions.builder()
                .cas(expectedVersion).dc(Optional.ofNullable(settings.datacenter())).build()));
    }

    @Override
    public boolean delete(long expectedVersion) throws DiscoveryException {
        if (expectedVersion <= 0) {
            return false;
        }
        // a txn, because consul-client's deleteKey drops the true/false Consul answers a DELETE ?cas= with
        return txn("delete " + leaderKey, op("delete-cas").index(java.math.BigInteger.valueOf(expectedVersion))
                .build()) != null;
    }

    @Override
    public void close() {
        consul.destroy();
    }

    // ---- for ConsulClaim ----

    /** Renews {@code session}; false when Consul no longer knows it (404). */
    boolean renewSession(String session) throws DiscoveryException {
        return call("renew session " + session, () -> {
            try {
                return sessions.renewSession(settings.datacenter(), session).isPresent();
            } catch (ConsulException e) {
                if (e.getCode() == 404) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** Whether the leader key is still locked by {@code session}. */
    boolean heldBy(String session) throws DiscoveryException {
        Optional<Value> v = call("read " + leaderKey, () -> kv.getValue(leaderKey, query));
        return v.flatMap(Value::getSession).filter(session::equals).isPresent();
    }

    /** Writes {@code formed} and unlocks the key if {@code session} holds it; its new version, or -1. */
    long unlockWith(String session, ClusterRecord formed) throws DiscoveryException {
        TxResponse r = txn("form " + leaderKey,
                op("check-session").session(session).build(),
                op("unlock").value(text(formed)).session(session).build());
        return r == null ? -1 : lastModifyIndex(r);
    }

    /** Destroys {@code session}, deleting the key if it still holds it; never throws. */
    void destroyQuietly(String session) {
        try {
            sessions.destroySession(session, settings.datacenter());
        } catch (RuntimeException e) {
            // best effort: an orphaned session expires at its TTL and deletes what it holds
        }
    }

    // ---- plumbing ----

    private ImmutableOperation.Builder op(String verb) {
        return ImmutableOperation.builder().verb(verb).key(leaderKey);
    }

    private static String text(ClusterRecord r) {
        // consul-client base64-encodes the UTF-8 bytes of an operation's value, giving back RecordJson's bytes
        return new String(RecordJson.encode(r), StandardCharsets.UTF_8);
    }

    /** Runs a transaction; null when Consul rolled it back (409). */
    private TxResponse txn(String what, Operation... ops) throws DiscoveryException {
        return call(what, () -> {
            try {
                return kv.performTransaction(txnOptions, ops).getResponse();
            } catch (ConsulException e) {
                if (e.getCode() == 409) {
                    return null;
                }
                throw e;
            }
        });
    }

    private static long lastModifyIndex(TxResponse r) throws DiscoveryException {
        List<Map<String, Value>> results = r.results();
        for (int i = results.size() - 1; i >= 0; i--) {
            Value v = results.get(i).get("KV");
            if (v != null) {
                return v.getModifyIndex();
            }
        }
        throw new DiscoveryException("consul-kv: a committed transaction returned no KV result");
    }

    /**
     * Runs one Consul call: no answer (refused, timed out) or a server without a leader becomes
     * {@link DiscoveryUnavailableException}; a failed TLS handshake (a configuration error, retrying will not
     * help) and any other error a {@link DiscoveryException} with the reason.
     */
    private <T> T call(String what, Supplier<T> body) throws DiscoveryException {
        try {
            return body.get();
        } catch (ConsulException e) {
            String where = "consul-kv at " + settings.address() + ": " + what;
            int code = e.getCode();
            if (e.getCause() instanceof SSLHandshakeException || e.getCause() instanceof SSLPeerUnverifiedException) {
                throw new DiscoveryException(where + " failed TLS verification (check tls_config): "
                        + e.getCause().getMessage(), e);
            }
            boolean down = !e.hasCode() || code == 502 || code == 503 || code == 504
                    || (code == 500 && String.valueOf(e.getMessage()).contains("No cluster leader"));
            if (down) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new DiscoveryUnavailableException(where + " failed: " + cause, e);
            }
            throw new DiscoveryException(where + " refused: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new DiscoveryException("consul-kv at " + settings.address() + ": " + what + " failed: " + e, e);
        }
    }
}

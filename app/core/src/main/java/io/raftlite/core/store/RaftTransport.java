package io.raftlite.core.store;

import io.raftlite.core.tls.NodeIdentity;
import io.raftlite.core.tls.PemFiles;
import io.raftlite.core.tls.ReloadingKeyManager;
import io.raftlite.core.tls.ReloadingTrustManager;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * How this node speaks gRPC to the others: plaintext, or TLS with its certificate and the CA ({@link TlsConfig}).
 * The server's {@link Parameters} and every {@link RaftClient} the store builds come from here, so a node never
 * opens a connection the cluster's TLS setting does not allow.
 *
 * <p>Rotation: Ratis 3.2.2's {@code GrpcTlsConfig(KeyManager, TrustManager, mTls)} hands the managers to Netty's
 * {@code SslContextBuilder}; with the bundled OpenSSL (tcnative) provider Netty asks the key manager for the
 * chain and key, and the trust manager for its verdict, on every handshake. The reloading managers of
 * {@code io.raftlite.core.tls} re-read their files when they change, so new connections use a rotated
 * certificate or CA without a restart; connections already open keep theirs.
 */
public final class RaftTransport {

    private static final Logger LOG = LoggerFactory.getLogger(RaftTransport.class);

    /** No TLS: what every node without {@code -node-cert} uses (loopback, or {@code -raft-insecure}). */
    public static final RaftTransport PLAINTEXT = new RaftTransport(null, null);

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final GrpcTlsConfig tls;
    /** The node id this node's certificate names, when callers' certificates must name theirs (see AdminGuard). */
    private final String identity;
    /** Addresses a TLS mismatch was logged for (once each). */
    private final java.util.Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Map<String, Probed> probes = new java.util.concurrent.ConcurrentHashMap<>();

    private RaftTransport(GrpcTlsConfig tls, String identity) {
        this.tls = tls;
        this.identity = identity;
    }

    /**
     * The transport for {@code config} (null: {@link #PLAINTEXT}).
     *
     * @throws IOException when a certificate, key or CA file cannot be read (the message names the file, never
     *                     the key)
     */
    public static RaftTransport of(TlsConfig config) throws IOException {
        if (config == null) {
            return PLAINTEXT;
        }
        ReloadingKeyManager keys = new ReloadingKeyManager(config.certFile(), config.keyFile());
        X509ExtendedTrustManager trust;
        if (config.noVerify()) {
            LOG.warn("-node-no-verify: this node accepts ANY certificate from other nodes and callers of its Raft"
                    + " port; the traffic is encrypted but nobody is authenticated. Do not run it like this.");
            trust = ReloadingTrustManager.acceptingAny();
        } else {
            trust = new PeerTrust(new ReloadingTrustManager(config.caFile()), config.verifyServerName());
        }
        // one certificate shared by all nodes (-node-verify-server-name) names one node: no identities then
        String identity = config.verifyClient() && !config.noVerify() && config.verifyServerName() == null
                ? NodeIdentity.of(PemFiles.readCertificates(config.certFile()).get(0)).orElse(null) : null;
        return new RaftTransport(new GrpcTlsConfig(keys, trust, config.verifyClient()), identity);
    }

    /**
     * The node id this node's certificate names ({@code urn:raftlite:node:ID}), when node identities are enforced:
     * mutual TLS, verified, with a certificate made by raftlite's CA commands, one per node. Empty otherwise
     * (certificates from another PKI, without the URI, or one certificate for all nodes with
     * {@code -node-verify-server-name}), and then callers are not bound to an id.
     */
    Optional<String> identity() {
        return Optional.ofNullable(identity);
    }

    /**
     * The server's parameters: {@link #parameters()} and the {@link AdminGuard} on every service of its port.
     */
    Parameters serverParameters(Supplier<RaftServer.Division> division) {
        Parameters p = parameters();
        AdminGuard guard = new AdminGuard(division, identity != null);
        GrpcConfigKeys.Server.setServicesCustomizer(p, (builder, types) -> builder.intercept(guard));
        return p;
    }

    boolean secure() {
        return tls != null;
    }

    /** The server's (or a client's) Ratis parameters: TLS for all three services, or none. */
    Parameters parameters() {
        Parameters p = new Parameters();
        if (tls != null) {
            GrpcConfigKeys.TLS.setConf(p, tls);
        }
        return p;
    }

    /**
     * The reason a call to {@code address} failed, in words: when this node and the peer disagree about TLS
     * (found with a {@link TlsProbe}), says so; otherwise the failure's own message (and the TLS error, if any).
     * Every node of a cluster uses TLS or none does; gRPC alone reports a mismatch as a bare "UNAVAILABLE".
     */
    public String explain(String address, Throwable failure) {
        String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        String ssl = sslCause(failure);
        if (!message.contains("UNAVAILABLE") || refused(failure)) {
            return address + ": " + message;
        }
        TlsProbe.Answer answer = probed(address);
        String mismatch = null;
        if (secure() && answer == TlsProbe.Answer.NOT_TLS) {
            mismatch = "the node at " + address + " does not speak TLS, and this one has -node-cert: every node of a"
                    + " cluster uses TLS on the Raft port or none does";
        } else if (!secure() && answer == TlsProbe.Answer.TLS) {
            mismatch = "the node at " + address + " requires TLS: give this node -node-cert, -node-key and"
                    + " -node-ca-cert as the other nodes have";
        }
        if (mismatch == null) {
            return address + ": " + message + (ssl == null ? "" : " (TLS: " + ssl + ")");
        }
        if (warned.add(address)) {
            LOG.warn("{}", mismatch);
        }
        return mismatch;
    }

    /** Nothing listens there (yet): no TLS question to ask. */
    private static boolean refused(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.net.ConnectException || String.valueOf(c.getMessage()).contains("Connection refused")) {
                return true;
            }
        }
        return false;
    }

    /** The probe's answer for {@code address}, asked at most once per {@link #PROBE_TIMEOUT} x 5 per address. */
    private TlsProbe.Answer probed(String address) {
        long now = System.nanoTime();
        Probed last = probes.get(address);
        if (last != null && now - last.at() < PROBE_TIMEOUT.multipliedBy(5).toNanos()) {
            return last.answer();
        }
        TlsProbe.Answer answer = TlsProbe.probe(address, PROBE_TIMEOUT);
        probes.put(address, new Probed(answer, now));
        return answer;
    }

    private record Probed(TlsProbe.Answer answer, long at) {
    }

    private static String sslCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof javax.net.ssl.SSLException || c instanceof java.security.cert.CertificateException) {
                return c.getMessage();
            }
        }
        return null;
    }

    /** A gRPC client for {@code group}; each RPC attempt times out after {@code requestTimeout}. */
    public RaftClient client(RaftGroup group, RaftPeerId leaderHint, Duration requestTimeout, RetryPolicy retry) {
        return client(group, leaderHint, requestTimeout, retry, EntryLimits.RATIS_DEFAULT_GRPC_MESSAGE_BYTES);
    }

    /** The same, with another gRPC message size limit than Ratis' default. */
    public RaftClient client(RaftGroup group, RaftPeerId leaderHint, Duration requestTimeout, RetryPolicy retry,
                      long messageSizeMax) {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(requestTimeout.toMillis(), TimeUnit.MILLISECONDS));
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(messageSizeMax));
        RaftClient.Builder b = RaftClient.newBuilder().setProperties(p).setParameters(parameters())
                .setRaftGroup(group).setClientId(ClientId.randomId()).setRetryPolicy(retry);
        if (leaderHint != null && group.getPeer(leaderHint) != null) {
            b.setLeaderId(leaderHint);
        }
        return b.build();
    }
}

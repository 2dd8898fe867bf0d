package io.raftlite.core.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Key manager over a cert+key PEM pair that re-reads them when either file's mtime, size or inode changes
 * (checked at most once a second, on use). A bad new pair, or a certificate whose key is not the one beside it
 * (yet), keeps the old pair and logs one WARN line (file name, reason).
 *
 * <p>It offers one alias per loaded pair, and only for the key type of its key (a TLS stack asking for an RSA key
 * gets none from an EC pair). The pair loaded just before the current one stays reachable by its alias, so a
 * handshake that chose it before a reload still gets a matching chain and key.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {

    /** Each loaded pair has its own alias, so a handshake that chose one pair gets that pair's chain and key. */
    private record Pair(String alias, X509Certificate[] chain, PrivateKey key) {
    }

    private static final AtomicLong GENERATION = new AtomicLong();

    private final ReloadingFiles<Pair> pair;
    private Pair latest;
    private Pair previous; // still served to a handshake that chose it just before a reload

    /** Loads the pair now; fails at start on a missing, unreadable, too-open or mismatched file. */
    public ReloadingKeyManager(Path certPem, Path keyPem) throws IOException {
        this(certPem, keyPem, Duration.ofSeconds(1));
    }

    ReloadingKeyManager(Path certPem, Path keyPem, Duration checkInterval) throws IOException {
        this.pair = new ReloadingFiles<>("certificate and key", List.of(certPem, keyPem), checkInterval,
                () -> load(certPem, keyPem));
    }

    private static Pair load(Path certPem, Path keyPem) throws IOException {
        List<X509Certificate> chain = PemFiles.readCertificates(certPem);
        PrivateKey key = PemFiles.readPrivateKey(keyPem);
        if (!KeyPairs.matches(chain.get(0).getPublicKey(), key)) {
            throw new IOException(keyPem + ": this key does not belong to the first certificate in " + certPem);
        }
        return new Pair("raftlite-" + GENERATION.incrementAndGet(), chain.toArray(X509Certificate[]::new), key);
    }

    int failedReloads() {
        return pair.failedLoads();
    }

    private synchronized Pair current() {
        Pair now = pair.get();
        if (now != latest) {
            previous = latest;
            latest = now;
        }
        return now;
    }

    private synchronized Pair named(String alias) {
        Pair now = current();
        if (now.alias().equals(alias)) {
            return now;
        }
        return previous != null && previous.alias().equals(alias) ? previous : null;
    }

    private String aliasFor(String keyType) {
        Pair now = current();
        String algorithm = now.key().getAlgorithm();
        // key types are "EC", "RSA", "RSASSA-PSS" or TLS 1.2's "EC_EC", "EC_RSA": the key's own part comes first
        String wanted = keyType == null ? "" : keyType.split("_", 2)[0];
        boolean ok = wanted.equalsIgnoreCase(algorithm) || "RSASSA-PSS".equals(wanted) && "RSA".equals(algorithm);
        return ok ? now.alias() : null;
    }

    private String aliasFor(String[] keyTypes) {
        if (keyTypes != null) {
            for (String keyType : keyTypes) {
                String alias = aliasFor(keyType);
                if (alias != null) {
                    return alias;
                }
            }
        }
        return null;
    }

    private String[] aliasesFor(String keyType) {
        String alias = aliasFor(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return aliasesFor(keyType);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyTypes);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return aliasesFor(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Pair p = alias == null ? null : named(alias);
        return p == null ? null : p.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Pair p = alias == null ? null : named(alias);
        return p == null ? null : p.key();
    }
}

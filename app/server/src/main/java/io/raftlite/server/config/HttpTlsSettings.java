package io.raftlite.server.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * TLS of the HTTP API ({@code -http-cert}, {@code -http-key}, {@code -http-ca-cert}, {@code -http-verify-client}):
 * which files to serve and whether clients must present a certificate. Only the combination is checked here;
 * the files themselves are read (and refused with a one-line reason) when the node starts.
 *
 * @param cert         PEM certificate chain served, or null when the API speaks plain HTTP
 * @param key          PEM private key of {@code cert}, or null
 * @param caCert       PEM CA bundle client certificates must chain to, or null
 * @param verifyClient whether a client certificate is required (mutual TLS)
 */
public record HttpTlsSettings(Path cert, Path key, Path caCert, boolean verifyClient) {

    public static final HttpTlsSettings OFF = new HttpTlsSettings(null, null, null, false);

    /** Whether the API speaks HTTPS. */
    public boolean enabled() {
        return cert != null;
    }

    /** {@code https} or {@code http}: the scheme of this node's advertised API address. */
    public String scheme() {
        return enabled() ? "https" : "http";
    }

    static HttpTlsSettings of(Map<String, String> v) throws UsageException {
        Path cert = path(v, Setting.HTTP_TLS_CERT);
        Path key = path(v, Setting.HTTP_TLS_KEY);
        Path ca = path(v, Setting.HTTP_TLS_CA_CERT);
        boolean verify = SettingsResolver.bool(v, Setting.HTTP_TLS_VERIFY_CLIENT);
        if ((cert == null) != (key == null)) {
            throw new UsageException("-http-cert and -http-key go together: give both (HTTPS) or neither (plain HTTP)");
        }
        if (cert == null && (ca != null || verify)) {
            throw new UsageException((verify ? "-http-verify-client" : "-http-ca-cert")
                    + " needs -http-cert and -http-key: client certificates are checked only over HTTPS");
        }
        if (verify && ca == null) {
            throw new UsageException("-http-verify-client needs -http-ca-cert, the CA that signs the clients'"
                    + " certificates");
        }
        return cert == null ? OFF : new HttpTlsSettings(cert, key, ca, verify);
    }

    private static Path path(Map<String, String> v, String key) {
        String text = v.get(key).trim();
        return text.isEmpty() ? null : Path.of(text);
    }
}

package io.raftlite.core.store;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Trust between nodes: a peer's chain must pass the CA's check ({@code delegate}) and, when this node dials, the
 * peer's certificate must name the host dialed (or {@code -node-verify-server-name}'s name when set) in a DNS or
 * IP subject alternative name, as Go's TLS client (rqlite) checks it. The host check is made here, not left to
 * the JDK's endpoint identification, so that the configured name can replace the dialed host.
 */
final class PeerTrust extends X509ExtendedTrustManager {

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private final X509ExtendedTrustManager delegate;
    private final String serverName;

    /** @param serverName the name every peer's certificate must carry; null: the host dialed */
    PeerTrust(X509ExtendedTrustManager delegate, String serverName) {
        this.delegate = delegate;
        this.serverName = serverName;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate.checkServerTrusted(chain, authType);
        String expected = serverName != null ? serverName : engine == null ? null : engine.getPeerHost();
        if (expected != null && !names(chain[0], expected)) {
            throw new CertificateException("the certificate of the node at " + expected + " (" + chain[0]
                    .getSubjectX500Principal().getName() + ") does not name " + expected + " in its subject alternative"
                    + " names" + (serverName == null ? " (or set -node-verify-server-name)" : ""));
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType, (SSLEngine) null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkServerTrusted(chain, authType, (SSLEngine) null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    /** Whether {@code cert} names {@code host}: an IP SAN equal to an IP literal, or a DNS SAN (one leading *.). */
    static boolean names(X509Certificate cert, String host) throws CertificateParsingException {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress ip = ipLiteral(h);
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans == null) {
            return false;
        }
        for (List<?> san : sans) {
            int type = (Integer) san.get(0);
            String value = String.valueOf(san.get(1));
            if (ip != null && type == SAN_IP && ip.equals(ipLiteral(value))
                    || ip == null && type == SAN_DNS && dnsMatches(value, h)) {
                return true;
            }
        }
        return false;
    }

    private static boolean dnsMatches(String pattern, String host) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String n = host.toLowerCase(Locale.ROOT);
        if (p.startsWith("*.")) {
            int dot = n.indexOf('.');
            return dot > 0 && n.substring(dot).equals(p.substring(1));
        }
        return p.equals(n);
    }

    /** The address of an IPv4 or IPv6 literal, or null for a name (never a DNS lookup). */
    private static InetAddress ipLiteral(String s) {
        boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.%\\w]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}

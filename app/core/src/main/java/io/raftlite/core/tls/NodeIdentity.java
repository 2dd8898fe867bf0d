package io.raftlite.core.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** The node id a node certificate names: its SAN URI {@code urn:raftlite:node:<id>}. */
public final class NodeIdentity {

    /** The prefix of the SAN URI that names a node id. */
    public static final String URI_PREFIX = "urn:raftlite:node:";

    /** Node ids that fit a URN unescaped (a Raft address such as {@code 10.0.0.5:4002} included). */
    private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9._~:-]{1,128}");

    /** GeneralName tag of a uniformResourceIdentifier in {@link X509Certificate#getSubjectAlternativeNames()}. */
    private static final int SAN_URI = 6;

    private NodeIdentity() {
    }

    /**
     * The node id the certificate names, if any. A certificate that names two different ids names none: a peer
     * must not be able to pick which identity it claims.
     */
    public static Optional<String> of(X509Certificate cert) {
        Collection<List<?>> names;
        try {
            names = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        if (names == null) {
            return Optional.empty();
        }
        TreeSet<String> ids = new TreeSet<>();
        for (List<?> name : names) {
            if (name.size() >= 2 && Integer.valueOf(SAN_URI).equals(name.get(0))
                    && name.get(1) instanceof String uri && uri.startsWith(URI_PREFIX)) {
                ids.add(uri.substring(URI_PREFIX.length()));
            }
        }
        return ids.size() == 1 && isValid(ids.first()) ? Optional.of(ids.first()) : Optional.empty();
    }

    /** The SAN URI that names {@code nodeId}. */
    public static String uri(String nodeId) {
        requireValid(nodeId);
        return URI_PREFIX + nodeId;
    }

    /** True if {@code nodeId} can be named by a certificate (1-128 of letters, digits, {@code . _ ~ : -}). */
    public static boolean isValid(String nodeId) {
        return nodeId != null && VALID_ID.matcher(nodeId).matches();
    }

    static void requireValid(String nodeId) {
        if (!isValid(nodeId)) {
            throw new IllegalArgumentException("'" + nodeId
                    + "' is not a node id a certificate can name (1-128 of letters, digits, . _ ~ : -)");
        }
    }
}

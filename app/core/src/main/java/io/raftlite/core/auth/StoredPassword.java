package io.raftlite.core.auth;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * A user's password as the auth file holds it: plaintext (rqlite's format) or a bcrypt hash. Holds no
 * password in any printable form: {@link #toString} names the kind only.
 */
abstract sealed class StoredPassword permits StoredPassword.Plain, StoredPassword.Bcrypt {

    /** bcrypt's modular crypt form: version, two-digit cost, 22 characters of salt and 31 of hash. */
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(0[4-9]|[12]\\d|3[01])\\$[./A-Za-z0-9]{53}");

    /** A bcrypt-looking value: one that is meant as a hash, checked by {@link #isBcrypt} to be well formed. */
    static boolean looksLikeBcrypt(String stored) {
        return stored.startsWith("$2a$") || stored.startsWith("$2b$") || stored.startsWith("$2y$");
    }

    static boolean isBcrypt(String stored) {
        return BCRYPT.matcher(stored).matches();
    }

    static StoredPassword of(String stored) {
        return looksLikeBcrypt(stored) ? new Bcrypt(stored) : new Plain(stored);
    }

    /** Whether {@code password} is this one. May take tens of milliseconds unless {@link #isQuick} says so. */
    abstract boolean matches(String password);

    /** Whether {@link #matches} answers at once for {@code password}. */
    abstract boolean isQuick(String password);

    abstract boolean isPlaintext();

    @Override
    public String toString() {
        return isPlaintext() ? "plaintext password" : "bcrypt hash";
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** rqlite's plaintext password, compared in constant time. */
    static final class Plain extends StoredPassword {
        private final byte[] digest;

        Plain(String password) {
            this.digest = sha256(password);
        }

        @Override
        boolean matches(String password) {
            return MessageDigest.isEqual(digest, sha256(password));
        }

        @Override
        boolean isQuick(String password) {
            return true;
        }

        @Override
        boolean isPlaintext() {
            return true;
        }
    }

    /**
     * A bcrypt hash. The last password that matched and the last one that did not are remembered as HMACs
     * under a random key of this process, so a client that sends the same credentials on every request costs
     * one bcrypt check, not one per request.
     */
    static final class Bcrypt extends StoredPassword {
        private static final byte[] KEY = randomKey();
        private final String hash;
        private volatile byte[] matched;
        private volatile byte[] refused;

        Bcrypt(String hash) {
            this.hash = hash;
        }

        @Override
        boolean matches(String password) {
            byte[] mac = mac(password);
            byte[] good = matched;
            if (good != null && MessageDigest.isEqual(good, mac)) {
                return true;
            }
            byte[] bad = refused;
            if (bad != null && MessageDigest.isEqual(bad, mac)) {
                return false;
            }
            boolean ok;
            try {
                ok = OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
            } catch (IllegalArgumentException e) { // e.g. a password longer than bcrypt's 72 bytes
                ok = false;
            }
            if (ok) {
                matched = mac;
            } else {
                refused = mac;
            }
            return ok;
        }

        @Override
        boolean isQuick(String password) {
            byte[] mac = mac(password);
            byte[] good = matched;
            byte[] bad = refused;
            return good != null && MessageDigest.isEqual(good, mac) || bad != null && MessageDigest.isEqual(bad, mac);
        }

        @Override
        boolean isPlaintext() {
            return false;
        }

        private static byte[] randomKey() {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return key;
        }

        private static byte[] mac(String password) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
                return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
            }
        }
    }
}

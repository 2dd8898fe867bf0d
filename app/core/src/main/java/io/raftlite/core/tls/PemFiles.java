package io.raftlite.core.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/** PEM files: certificate chains and private keys (PKCS#8, PKCS#1 RSA, SEC1 EC; unencrypted). */
public final class PemFiles {

    private static final Set<PosixFilePermission> NOT_FOR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final Set<PosixFilePermission> KEY_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> CERT_MODE = PosixFilePermissions.fromString("rw-r--r--");

    /**
     * Key algorithm OIDs to the JDK's names. BouncyCastle's converter names EC keys "ECDSA", which only its own
     * provider knows; the JDK's key factories keep keys in the JDK's classes, which every TLS stack accepts.
     */
    private static final Map<String, String> JDK_KEY_ALGORITHMS = Map.of(
            "1.2.840.10045.2.1", "EC",
            "1.2.840.113549.1.1.1", "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448");

    private PemFiles() {
    }

    /** Every certificate in the file, in file order; other PEM blocks are skipped; none at all is an error. */
    public static List<X509Certificate> readCertificates(Path pem) throws IOException {
        List<X509Certificate> certs = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader reader = Files.newBufferedReader(pem, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    certs.add(converter.getCertificate(holder));
                }
            }
        } catch (NoSuchFileException e) {
            throw new IOException(pem + ": no such file");
        } catch (AccessDeniedException e) {
            throw unreadable(pem);
        } catch (CertificateException | IOException | RuntimeException e) {
            throw new IOException(pem + ": not a PEM certificate file (" + e.getClass().getSimpleName() + ")");
        }
        if (certs.isEmpty()) {
            throw new IOException(pem + ": no PEM certificate (BEGIN CERTIFICATE) in the file");
        }
        return certs;
    }

    /**
     * The one private key in the file. Refuses, as ssh does, a file that group or others may read or write; the
     * message names the file and the fix, and never carries key material (nor a cause that could).
     */
    public static PrivateKey readPrivateKey(Path pem) throws IOException {
        checkPrivate(pem);
        Object found = null;
        try (Reader reader = Files.newBufferedReader(pem, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            for (Object o = parser.readObject(); o != null && found == null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo || o instanceof PEMKeyPair
                        || o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    found = o;
                }
            }
        } catch (AccessDeniedException e) {
            throw unreadable(pem);
        } catch (IOException | RuntimeException e) {
            throw new IOException(pem + ": not a readable PEM private key");
        }
        if (found == null) {
            throw new IOException(pem + ": no PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC) in the file");
        }
        if (found instanceof PEMEncryptedKeyPair || found instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw new IOException(pem + ": the private key is encrypted; give an unencrypted key (mode 0600)");
        }
        try {
            PrivateKeyInfo info = found instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo() : (PrivateKeyInfo) found;
            String algorithm = JDK_KEY_ALGORITHMS.get(info.getPrivateKeyAlgorithm().getAlgorithm().getId());
            if (algorithm == null) {
                throw new IOException(pem + ": the private key's algorithm is not supported (EC, RSA, Ed25519)");
            }
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException(pem + ": the private key's encoding is not valid");
        }
    }

    private static IOException unreadable(Path pem) {
        return new IOException(pem + ": permission denied; the user raftlite runs as must own it (chown)");
    }

    private static void checkPrivate(Path pem) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(pem, PosixFileAttributeView.class);
        if (!Files.exists(pem)) {
            throw Files.notExists(pem) ? new IOException(pem + ": no such file") : unreadable(pem);
        }
        if (view == null) {
            return; // no POSIX modes on this file system: nothing to check, as ssh on such a file system
        }
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        if (perms.stream().anyMatch(NOT_FOR_OTHERS::contains)) {
            throw new IOException(pem + ": private key is accessible by group or others (mode "
                    + mode(perms) + "); run: chmod 600 " + pem);
        }
    }

    private static String mode(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", mode);
    }

    static void writeCertificates(Path file, List<X509Certificate> certs) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (X509Certificate cert : certs) {
                writer.writeObject(cert);
            }
        }
        writeAtomically(file, text.toString(), CERT_MODE);
    }

    static void writeKey(Path file, PrivateKey key) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaPKCS8Generator(key, null));
        }
        writeAtomically(file, text.toString(), KEY_MODE);
    }

    /** Writes a temporary file beside {@code file}, created with {@code mode}, then renames it over the file. */
    private static void writeAtomically(Path file, String text, Set<PosixFilePermission> mode) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(KEY_MODE));
        try {
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
                out.write(text);
            }
            Files.setPosixFilePermissions(tmp, mode);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}

package io.raftlite.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {

    @TempDir
    Path dir;

    @Test
    void keyReadableByOthersIsRefusedWithOneLineThatNamesTheFixAndNotTheKey() throws Exception {
        IssuedCertificate issued = CertificateAuthority.create("ca", Duration.ofDays(1))
                .issueClient("c", Duration.ofDays(1));
        Path cert = dir.resolve("c.pem");
        Path key = dir.resolve("c-key.pem");
        issued.writeTo(cert, key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        IOException e = assertThrows(IOException.class, () -> PemFiles.readPrivateKey(key));
        String message = e.getMessage();
        assertFalse(message.contains("\n"), message);
        assertTrue(message.contains(key.toString()) && message.contains("0644") && message.contains("chmod 600"),
                message);
        for (String line : Files.readAllLines(key)) {
            if (!line.startsWith("-----")) {
                assertFalse(message.contains(line), "the message carries key material");
            }
        }
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        assertEquals(issued.key(), PemFiles.readPrivateKey(key));
    }

    @Test
    void readsPkcs1RsaAndSec1EcKeysAsOpensslWritesThem() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair rsaPair = rsa.generateKeyPair();
        StringWriter pkcs1 = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(pkcs1)) {
            w.writeObject(rsaPair); // "RSA PRIVATE KEY", PKCS#1
        }
        assertReads("RSA PRIVATE KEY", pkcs1.toString(), rsaPair);

        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        KeyPair ecPair = ec.generateKeyPair();
        // "EC PRIVATE KEY", SEC1 with the named curve inside, as `openssl ecparam -genkey` writes it
        byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256,
                ((ECPrivateKey) ecPair.getPrivate()).getS(), SECObjectIdentifiers.secp256r1).getEncoded();
        StringWriter pem = new StringWriter();
        try (PemWriter w = new PemWriter(pem)) {
            w.writeObject(new PemObject("EC PRIVATE KEY", sec1));
        }
        assertReads("EC PRIVATE KEY", pem.toString(), ecPair);
    }

    private void assertReads(String type, String pem, KeyPair pair) throws Exception {
        assertTrue(pem.contains("BEGIN " + type), pem);
        Path file = dir.resolve("key.pem");
        Files.writeString(file, pem);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertTrue(KeyPairs.matches(pair.getPublic(), PemFiles.readPrivateKey(file)), type);
    }

    @Test
    void fileWithoutCertificateOrKeyIsRefusedByName() throws Exception {
        Path junk = dir.resolve("junk.pem");
        Files.writeString(junk, "not pem at all\n");
        Files.setPosixFilePermissions(junk, PosixFilePermissions.fromString("rw-------"));
        IOException cert = assertThrows(IOException.class, () -> PemFiles.readCertificates(junk));
        assertTrue(cert.getMessage().startsWith(junk.toString()), cert.getMessage());
        IOException key = assertThrows(IOException.class, () -> PemFiles.readPrivateKey(junk));
        assertTrue(key.getMessage().startsWith(junk.toString()), key.getMessage());
        IOException missing = assertThrows(IOException.class, () -> PemFiles.readPrivateKey(dir.resolve("none")));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    }
}

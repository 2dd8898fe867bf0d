package io.raftlite.server.tls;

import io.raftlite.core.tls.CertificateAuthority;
import io.raftlite.core.tls.IssuedCertificate;
import io.raftlite.core.tls.NodeIdentity;
import io.raftlite.server.config.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code raftlite tls ca create | cert create}: writes a CA, node and client certificates (like {@code consul tls}). */
public final class TlsCommand {

    static final int CA_DAYS = 1825;
    static final int CERT_DAYS = 365;
    private static final Pattern CLIENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Path workingDir;
    private final PrintStream out;

    private TlsCommand(Path workingDir, PrintStream out) {
        this.workingDir = workingDir;
        this.out = out;
    }

    /**
     * Runs {@code raftlite tls <args>}; relative paths are taken from {@code workingDir}.
     *
     * @return the exit code: 0 done (or help), 1 a file problem, 2 a command line error
     */
    public static int run(String[] args, Path workingDir, PrintStream out, PrintStream err) {
        List<String> words = Arrays.asList(args);
        try {
            if (words.isEmpty() || words.stream().anyMatch(TlsCommand::isHelp)) {
                out.print(TlsHelp.TEXT);
                return 0;
            }
            String command = String.join(" ", words.subList(0, Math.min(2, words.size())));
            List<String> flags = words.subList(Math.min(2, words.size()), words.size());
            TlsCommand tls = new TlsCommand(workingDir, out);
            switch (command) {
                case "ca create" -> tls.createCa(TlsArgs.parse("tls ca create", flags,
                        Set.of("dir", "days", "name"), Set.of("force")));
                case "cert create" -> tls.createCert(TlsArgs.parse("tls cert create", flags,
                        Set.of("dir", "days", "name", "node-id", "addr", "ca-cert", "ca-key"), Set.of("force", "client")));
                default -> throw new UsageException("tls: unknown command '" + command
                        + "' (known: tls ca create, tls cert create; see raftlite tls -h)");
            }
            return 0;
        } catch (UsageException e) {
            err.println("raftlite: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("raftlite: " + e.getMessage());
            return 1;
        }
    }

    private static boolean isHelp(String word) {
        return word.equals("-h") || word.equals("--help") || word.equals("-help") || word.equals("help");
    }

    private void createCa(TlsArgs args) throws UsageException, IOException {
        Path dir = dir(args);
        String name = args.get("name", "raftlite CA").trim();
        if (name.isEmpty() || name.length() > 64) {
            throw new UsageException("tls ca create: -name must be 1-64 characters");
        }
        int days = args.days(CA_DAYS);
        Path cert = dir.resolve("ca.pem");
        Path key = dir.resolve("ca-key.pem");
        refuseExisting(args, cert, key);
        CertificateAuthority ca = CertificateAuthority.create(name, Duration.ofDays(days));
        prepare(dir);
        ca.writeTo(cert, key);
        out.println("wrote the CA certificate " + cert + " (CN=" + name + ", valid " + days + " days)");
        out.println("wrote the CA key         " + key + " (mode 0600; it signs every certificate: keep it off the nodes)");
        out.println("every node and client trusts " + cert.getFileName() + ": -node-ca-cert " + cert
                + " -http-ca-cert " + cert);
        out.println("next, for each node: raftlite tls cert create -node-id ID -addr HOST[,HOST...] -ca-cert " + cert
                + " -ca-key " + key);
    }

    private void createCert(TlsArgs args) throws UsageException, IOException {
        boolean client = args.flag("client");
        String name = client ? clientName(args) : nodeId(args);
        List<String> hosts = client ? List.of() : hosts(args.required("addr",
                "HOST[,HOST...] (the names and addresses peers use)"));
        Path dir = dir(args);
        int days = args.days(CERT_DAYS);
        Path cert = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + "-key.pem");
        refuseExisting(args, cert, key);
        Path caCert = path(args.get("ca-cert", dir.resolve("ca.pem").toString()));
        Path caKey = path(args.get("ca-key", dir.resolve("ca-key.pem").toString()));
        CertificateAuthority ca = loadCa(caCert, caKey);
        IssuedCertificate issued = client ? ca.issueClient(name, Duration.ofDays(days))
                : ca.issueNode(name, hosts, Duration.ofDays(days));
        prepare(dir);
        issued.writeTo(cert, key);
        if (client) {
            TlsHelp.printClient(out, name, cert, key, caCert, days);
        } else {
            TlsHelp.printNode(out, name, hosts, cert, key, caCert, days);
        }
    }

    private static String clientName(TlsArgs args) throws UsageException {
        if (args.has("node-id") || args.has("addr")) {
            throw new UsageException("tls cert create: -client takes -name, not -node-id or -addr");
        }
        String name = args.required("name", "NAME (the client's name)");
        if (!CLIENT_NAME.matcher(name).matches()) {
            throw new UsageException("tls cert create: -name '" + name
                    + "' must be 1-64 of letters, digits, . _ - (it names the files)");
        }
        return notTheCas(name);
    }

    private static String nodeId(TlsArgs args) throws UsageException {
        if (args.has("name")) {
            throw new UsageException("tls cert create: -name is for -client certificates; a node's is -node-id");
        }
        String id = args.required("node-id", "ID (the node's -node-id)");
        if (!NodeIdentity.isValid(id) || id.startsWith(".")) {
            throw new UsageException("tls cert create: -node-id '" + id
                    + "' must be 1-128 of letters, digits, . _ ~ : - (not starting with .)");
        }
        return notTheCas(id);
    }

    private static String notTheCas(String name) throws UsageException {
        if (name.equals("ca") || name.equals("ca-key")) {
            throw new UsageException("tls cert create: '" + name + "' would clash with the CA's files; pick another name");
        }
        return name;
    }

    private static List<String> hosts(String list) throws UsageException {
        List<String> hosts = new ArrayList<>();
        for (String part : list.split(",", -1)) {
            String host = part.trim();
            if (host.isEmpty()) {
                throw new UsageException("tls cert create: -addr '" + list + "' has an empty entry");
            }
            try {
                CertificateAuthority.checkHost(host);
            } catch (IllegalArgumentException e) {
                throw new UsageException("tls cert create: -addr: " + e.getMessage()
                        + " (give host names or IP addresses, without ports)");
            }
            hosts.add(host);
        }
        return hosts;
    }

    private static CertificateAuthority loadCa(Path caCert, Path caKey) throws IOException {
        if (!Files.exists(caCert) || !Files.exists(caKey)) {
            throw new IOException("tls cert create: no CA at " + (Files.exists(caCert) ? caKey : caCert)
                    + " (create one with: raftlite tls ca create, or give -ca-cert and -ca-key)");
        }
        return CertificateAuthority.load(caCert, caKey);
    }

    private Path dir(TlsArgs args) {
        return path(args.get("dir", "."));
    }

    private Path path(String p) {
        return workingDir.resolve(p.trim()).toAbsolutePath().normalize();
    }

    private static void refuseExisting(TlsArgs args, Path... files) throws IOException {
        if (args.flag("force")) {
            return;
        }
        for (Path file : files) {
            if (Files.exists(file)) {
                throw new IOException(file + " exists; not replacing it (move it away, or add -force)");
            }
        }
    }

    /** Creates the directory (0700) if it does not exist. */
    private static void prepare(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }
}

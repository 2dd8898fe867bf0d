package io.raftlite.server.tls;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** What the {@code tls} commands print: the help text and, after writing, where the files went and their flags. */
final class TlsHelp {

    static final String TEXT = """
            Usage: raftlite tls ca create [flags]
                   raftlite tls cert create -node-id ID -addr HOST[,HOST...] [flags]
                   raftlite tls cert create -client -name NAME [flags]

            A CA in the box, like `consul tls`: make a CA once, then one certificate per node (usable as server
            and client on the Raft and HTTP ports) and per client. Files go to -dir (default: the current
            directory); existing files are never replaced without -force. Keys are written with mode 0600.

            tls ca create              writes ca.pem and ca-key.pem
              -name CN                 the CA's common name (default "raftlite CA")
              -days N                  validity (default %d, five years: a CA outlives its certificates)
            tls cert create            writes <ID>.pem and <ID>-key.pem (or <NAME>.pem, <NAME>-key.pem)
              -node-id ID              the node's -node-id; the certificate names it (SAN urn:raftlite:node:ID),
                                       and a peer may act as node ID only with a certificate naming ID
              -addr HOST[,HOST...]     every host name and IP address peers and clients use to reach the node
              -client -name NAME       a client certificate instead (for curl, apps, operators)
              -ca-cert FILE            the CA certificate (default <dir>/ca.pem)
              -ca-key FILE             the CA key (default <dir>/ca-key.pem)
              -days N                  validity (default %d: rotate yearly by replacing the files)
            common flags
              -dir DIR                 where to write (default: the current directory; created 0700 if missing)
              -force                   replace existing files

            On a host, install the node's files and ca.pem in /etc/raftlite/tls/ (directory 0700, files owned by
            the service user, keys 0600). Replacing them in place rotates them: a running node reloads them.
            """.formatted(TlsCommand.CA_DAYS, TlsCommand.CERT_DAYS);

    private TlsHelp() {
    }

    static void printNode(PrintStream out, String nodeId, List<String> hosts, Path cert, Path key, Path caCert,
                          int days) {
        out.println("wrote node " + nodeId + "'s certificate " + cert + " (node id " + nodeId + ", hosts "
                + String.join(", ", hosts) + "; valid " + days + " days)");
        out.println("wrote node " + nodeId + "'s key         " + key + " (mode 0600)");
        out.println("start node " + nodeId + " with (on a host: these files and " + caCert.getFileName()
                + " in /etc/raftlite/tls/, owned by the service user):");
        out.println("  -node-cert " + cert + " -node-key " + key + " -node-ca-cert " + caCert);
        out.println("  -http-cert " + cert + " -http-key " + key + " -http-ca-cert " + caCert);
    }

    static void printClient(PrintStream out, String name, Path cert, Path key, Path caCert, int days) {
        out.println("wrote client " + name + "'s certificate " + cert + " (CN=" + name
                + ", client use only; valid " + days + " days)");
        out.println("wrote client " + name + "'s key         " + key + " (mode 0600)");
        out.println("nodes started with -http-ca-cert " + caCert + " -http-verify-client accept it, e.g.:");
        out.println("  curl --cacert " + caCert + " --cert " + cert + " --key " + key + " https://HOST:4001/status");
    }
}

package io.raftlite.discovery.tck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code dnsmasq} serving fixed records on {@value #LISTEN_ADDRESS}, for the DNS providers' tests and
 * for server tests that bootstrap through DNS. It answers authoritatively for its {@link Records#zones()}
 * (an unknown name there is NXDOMAIN, not REFUSED), never forwards, never reads the host's files, and its
 * records have TTL 0.
 *
 * <p>{@link #start} returns once the server answers a query; {@link #restart} serves new records on the same
 * port, so clients configured with {@link #resolver()} see the change on their next lookup; {@link #close}
 * stops the process by its PID (SIGTERM, then SIGKILL), and a JVM shutdown hook does so too if a test never
 * gets to close it.
 */
public final class DnsmasqServer implements AutoCloseable {

    /** The loopback address dnsmasq binds; nothing else on the machine is expected to use it. */
    public static final String LISTEN_ADDRESS = "127.0.0.71";

    private static final long START_TIMEOUT_MILLIS = 10_000;

    private final Path binary;
    private final int port;
    private final Path log;
    private Records records;
    private Process process;
    private Thread reaper;
    private List<String> commandLine = List.of();

    /**
     * One SRV record.
     *
     * @param name   the full owner name, e.g. {@code _raft._tcp.raftlite.test}
     * @param target the host the record points to (give it A records to make it resolve)
     */
    public record Srv(String name, String target, int port, int priority, int weight) {
    }

    /** An A record ({@code ip} is IPv4) or an AAAA record ({@code ip} is IPv6). */
    public record Host(String name, String ip) {
    }

    /** A CNAME record: {@code alias} is another name for {@code target}. */
    public record Cname(String alias, String target) {
    }

    /**
     * The records to serve: A/AAAA host records, SRV records and CNAMEs, plus the zones answered locally.
     * Immutable: each method returns a copy with one more entry.
     */
    public record Records(List<String> zones, List<Host> hosts, List<Srv> srv, List<Cname> cnames) {

        public Records {
            zones = List.copyOf(zones);
            hosts = List.copyOf(hosts);
            srv = List.copyOf(srv);
            cnames = List.copyOf(cnames);
        }

        /** An A record ({@code ip} IPv4) or an AAAA record ({@code ip} IPv6) for {@code name}. */
        public Records address(String name, String ip) {
            List<Host> h = new ArrayList<>(hosts);
            h.add(new Host(name, ip));
            return new Records(zones, h, srv, cnames);
        }

        /** An SRV record with priority and weight 10. */
        public Records srv(String name, String target, int port) {
            return srv(new Srv(name, target, port, 10, 10));
        }

        public Records srv(Srv record) {
            List<Srv> s = new ArrayList<>(srv);
            s.add(record);
            return new Records(zones, hosts, s, cnames);
        }

        /** A CNAME from {@code alias} to {@code target}. */
        public Records cname(String alias, String target) {
            List<Cname> c = new ArrayList<>(cnames);
            c.add(new Cname(alias, target));
            return new Records(zones, hosts, srv, c);
        }

        /** Another zone dnsmasq answers for itself (NXDOMAIN for unknown names instead of REFUSED). */
        public Records zone(String zone) {
            List<String> z = new ArrayList<>(zones);
            z.add(zone);
            return new Records(z, hosts, srv, cnames);
        }
    }

    /** No records yet; answers locally for the zone {@code test}. */
    public static Records records() {
        return new Records(List.of("test"), List.of(), List.of(), List.of());
    }

    private DnsmasqServer(Path binary, int port, Path log) {
        this.binary = binary;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts dnsmasq on a free port of {@value #LISTEN_ADDRESS}; skips the calling test when dnsmasq is not
     * installed (fails under CI).
     */
    public static DnsmasqServer start(Records records) throws IOException, InterruptedException {
        Path binary = ExternalBinary.require("dnsmasq", "dnsmasq-base");
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            Path log = Files.createTempFile("dnsmasq-", ".log");
            DnsmasqServer s = new DnsmasqServer(binary, freePort(), log);
            try {
                s.launch(records);
                return s;
            } catch (IOException e) {
                s.close();
                last = e; // most likely another process took the port between the probe and the bind
            }
        }
        throw last;
    }

    /** The {@code host:port} a provider's {@code resolver} setting takes. */
    public String resolver() {
        return LISTEN_ADDRESS + ":" + port;
    }

    public int port() {
        return port;
    }

    /** The records being served. */
    public synchronized Records served() {
        return records;
    }

    /** The command line of the running process, for reports. */
    public synchronized List<String> commandLine() {
        return commandLine;
    }

    /** Stops the server and starts it again on the same port with {@code newRecords}. */
    public synchronized void restart(Records newRecords) throws IOException, InterruptedException {
        stop();
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                launch(newRecords);
                return;
            } catch (IOException e) {
                last = e; // the old process's sockets may linger for a moment
                Thread.sleep(100);
            }
        }
        throw last;
    }

    private synchronized void launch(Records r) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(),
                // not --no-daemon: in that debug mode dnsmasq serves a TCP connection in its main process and
                // answers nothing else until the client closes it, and dnsjava keeps TCP connections open
                "--keep-in-foreground", "--log-facility=-",
                "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--pid-file=",
                "--bind-interfaces", "--listen-address=" + LISTEN_ADDRESS, "--port=" + port,
                "--cache-size=0", "--local-ttl=0"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.add("--user=root"); // as root dnsmasq would switch to 'nobody', which a container may lack
        }
        r.zones().forEach(z -> cmd.add("--local=/" + z + "/"));
        r.hosts().forEach(h -> cmd.add("--host-record=" + h.name() + "," + h.ip()));
        r.cnames().forEach(c -> cmd.add("--cname=" + c.alias() + "," + c.target()));
        r.srv().forEach(s -> cmd.add("--srv-host=" + s.name() + "," + s.target() + "," + s.port() + ","
                + s.priority() + "," + s.weight()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        process = p;
        records = r;
        commandLine = List.copyOf(cmd);
        reaper = new Thread(() -> kill(p), "dnsmasq-reaper-" + p.pid());
        Runtime.getRuntime().addShutdownHook(reaper);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (!answers()) {
            if (!p.isAlive() || System.nanoTime() - deadline > 0) {
                stop();
                throw new IOException("dnsmasq did not start (" + String.join(" ", cmd) + "):\n" + logText());
            }
            Thread.sleep(20);
        }
    }

    /** Whether the server answers a query (with any rcode) over UDP. */
    private boolean answers() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(200);
            byte[] q = query("ready.probe." + (records.zones().isEmpty() ? "test" : records.zones().get(0)));
            s.send(new DatagramPacket(q, q.length, InetAddress.getByName(LISTEN_ADDRESS), port));
            byte[] buf = new byte[512];
            s.receive(new DatagramPacket(buf, buf.length));
            return buf[0] == q[0] && buf[1] == q[1];
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return false; // port unreachable: not bound yet
        }
    }

    /** A minimal DNS query for an A record (RFC 1035 §4.1), so the TCK needs no DNS library. */
    private static byte[] query(String name) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x52, 0x4c, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0});
        for (String label : name.split("\\.")) {
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            b.write(l.length);
            b.writeBytes(l);
        }
        b.writeBytes(new byte[] {0, 0, 1, 0, 1});
        return b.toByteArray();
    }

    private static int freePort() throws IOException {
        InetAddress listen = InetAddress.getByName(LISTEN_ADDRESS);
        for (int attempt = 0; attempt < 50; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(listen, 0));
                 ServerSocket tcp = new ServerSocket()) {
                tcp.bind(new InetSocketAddress(listen, udp.getLocalPort())); // dnsmasq needs both
                return udp.getLocalPort();
            } catch (IOException e) {
                // the TCP side was taken: try another port
            }
        }
        throw new IOException("no port free for both UDP and TCP on " + LISTEN_ADDRESS);
    }

    private String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private synchronized void stop() {
        if (process == null) {
            return;
        }
        kill(process);
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // the JVM is shutting down and the hook runs anyway
        }
        process = null;
        reaper = null;
    }

    /**
     * SIGTERM by PID, then SIGKILL after five seconds; the children dnsmasq forked to serve TCP connections
     * (which live as long as the client keeps the connection) are killed by their PIDs too.
     */
    private static void kill(Process p) {
        ProcessHandle h = p.toHandle();
        List<ProcessHandle> children = h.descendants().toList();
        h.destroy();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                h.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            h.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Stops dnsmasq and deletes its log; never throws. */
    @Override
    public synchronized void close() {
        stop();
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            System.err.println("could not delete " + log + ": " + e.getMessage());
        }
    }
}

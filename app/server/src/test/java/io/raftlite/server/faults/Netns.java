package io.raftlite.server.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The network of one run: a hub namespace holding a bridge, and one namespace per node joined to it by a veth
 * pair, node i (1-based) at 10.214.0.i/24. Every name starts with {@code rlfi-<test JVM pid>-<random>}, so a
 * later run can tell a namespace whose run died (its pid is gone) from one of a run still going and remove
 * only the former. {@link #close()}, and a shutdown hook if the JVM ends first, stop every process started
 * here and delete every namespace (which drops its iptables rules with it).
 */
final class Netns implements AutoCloseable {

    static final String PREFIX = "rlfi-";

    /** Every process and namespace of every run in this JVM, for the shutdown hook. */
    private static final Set<Process> PROCESSES = ConcurrentHashMap.newKeySet();
    private static final Set<String> NAMESPACES = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Netns::cleanUpEverything, "rlfi-cleanup"));
    }

    private final String run;
    private final int nodes;
    private final List<String> created = new ArrayList<>();

    private Netns(int nodes) {
        this.run = PREFIX + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        this.nodes = nodes;
    }

    /** Builds the hub, the bridge and {@code nodes} node namespaces, each with lo up and its address on eth0. */
    static Netns create(int nodes) throws IOException {
        deleteStale();
        Netns net = new Netns(nodes);
        try {
            net.add(net.hub());
            must(net.hub(), "ip", "link", "add", "br0", "type", "bridge");
            must(net.hub(), "ip", "link", "set", "br0", "up");
            must(net.hub(), "ip", "link", "set", "lo", "up");
            for (int i = 1; i <= nodes; i++) {
                String ns = net.node(i);
                net.add(ns);
                // created directly inside the two namespaces: no link or address ever exists in the root one
                must(null, "ip", "link", "add", "v" + i, "netns", net.hub(), "type", "veth", "peer", "name", "eth0",
                        "netns", ns);
                must(net.hub(), "ip", "link", "set", "v" + i, "master", "br0", "up");
                must(ns, "ip", "addr", "add", ip(i) + "/24", "dev", "eth0");
                must(ns, "ip", "link", "set", "eth0", "up");
                must(ns, "ip", "link", "set", "lo", "up");
                // a conntrack match switches connection tracking on for the namespace before any node starts;
                // otherwise a one-way cut (ctdir ORIGINAL) would meet connections picked up mid-stream, whose
                // direction is whoever sent first after the cut
                must(ns, "iptables", "-w", "-A", "FORWARD", "-m", "conntrack", "--ctstate", "INVALID", "-j", "DROP");
            }
        } catch (IOException | RuntimeException e) {
            net.close();
            throw e;
        }
        return net;
    }

    String hub() {
        return run + "-hub";
    }

    String node(int i) {
        return run + "-n" + i;
    }

    int size() {
        return nodes;
    }

    static String ip(int i) {
        return "10.214.0." + i;
    }

    private void add(String ns) throws IOException {
        must(null, "ip", "netns", "add", ns);
        created.add(ns);
        NAMESPACES.add(ns);
    }

    /** Runs a command inside a namespace (null: the root one) and fails with its output if it fails. */
    static String must(String ns, String... cmd) throws IOException {
        Result r = run(ns, Duration.ofSeconds(30), cmd);
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", cmd) + (ns == null ? "" : " in " + ns) + " exited " + r.exit()
                    + ": " + r.output());
        }
        return r.output();
    }

    record Result(int exit, String output) {
    }

    /** Runs a command to completion (killed at the timeout: exit 124) inside a namespace or the root one. */
    static Result run(String ns, Duration timeout, String... cmd) throws IOException {
        Process p = start(ns, cmd).redirectErrorStream(true).start();
        try {
            PROCESSES.add(p);
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return new Result(124, "");
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + String.join(" ", cmd), e);
        } finally {
            p.destroyForcibly();
            PROCESSES.remove(p);
        }
    }

    /** Starts a long-running process inside a namespace; it is stopped by {@link #close()} at the latest. */
    static Process spawn(String ns, Path log, List<String> cmd) throws IOException {
        Files.createDirectories(log.getParent());
        Process p = start(ns, cmd.toArray(String[]::new)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        PROCESSES.add(p);
        return p;
    }

    /** Stops a process started by {@link #spawn} (SIGKILL) and waits for it. */
    static void kill(Process p) throws InterruptedException {
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        PROCESSES.remove(p);
    }

    /** {@code ip netns exec} execs the command, so the process keeps the pid Java sees (signals reach it). */
    private static ProcessBuilder start(String ns, String... cmd) {
        List<String> all = new ArrayList<>();
        if (ns != null) {
            all.addAll(List.of("ip", "netns", "exec", ns));
        }
        all.addAll(List.of(cmd));
        return new ProcessBuilder(all);
    }

    /** Deletes namespaces named rlfi-PID-… whose test JVM (PID) is gone: what a killed earlier run left. */
    static void deleteStale() throws IOException {
        for (String line : must(null, "ip", "netns", "list").split("\n")) {
            String name = line.strip().split("\\s+")[0];
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            String[] parts = name.split("-");
            boolean alive = parts.length > 1 && parts[1].matches("[0-9]+")
                    && ProcessHandle.of(Long.parseLong(parts[1])).isPresent();
            if (!alive) {
                System.err.println("[faults] deleting stale namespace " + name);
                run(null, Duration.ofSeconds(30), "ip", "netns", "delete", name);
            }
        }
    }

    @Override
    public void close() {
        for (int i = created.size() - 1; i >= 0; i--) {
            String ns = created.get(i);
            try {
                run(null, Duration.ofSeconds(30), "ip", "netns", "delete", ns);
            } catch (IOException e) {
                System.err.println("[faults] could not delete namespace " + ns + ": " + e.getMessage());
            }
            NAMESPACES.remove(ns);
        }
        created.clear();
    }

    private static void cleanUpEverything() {
        PROCESSES.forEach(Process::destroyForcibly);
        for (String ns : NAMESPACES) {
            try {
                new ProcessBuilder("ip", "netns", "delete", ns).start().waitFor(10, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                System.err.println("[faults] could not delete namespace " + ns + ": " + e.getMessage());
            }
        }
    }
}

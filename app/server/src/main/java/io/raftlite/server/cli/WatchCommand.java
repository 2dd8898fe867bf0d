package io.raftlite.server.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code raftlite watch [-tables a,b] [-wait 60s] [-once]}: Consul's blocking-query loop over {@code GET /db/watch}
 * (issue 15): ask with the last index, print one line per answer that names changed tables, ask again with the
 * returned index. The first call (index 0) only learns the current index. A 503 (too many watchers) is retried
 * after its {@code Retry-After}.
 */
final class WatchCommand {

    /** How long to wait after a 503 that gives no usable Retry-After. */
    private static final Duration DEFAULT_RETRY = Duration.ofSeconds(1);

    /** Waits between retries; tests pass one that does not sleep. */
    interface Pause {
        void pause(Duration d) throws InterruptedException;
    }

    private WatchCommand() {
    }

    static int run(CliArgs args, CliIo io) throws CliException {
        args.only("watch", Set.of("tables", "wait", "once"));
        if (!args.positional().isEmpty()) {
            throw new CliException(Exit.USAGE, "watch takes no arguments (tables go in -tables a,b)");
        }
        Duration wait = Durations.parse("-wait", args.get("wait", "60s"));
        String tables = args.get("tables", "").strip();
        if (!tables.matches("[A-Za-z0-9_,]*")) {
            throw new CliException(Exit.USAGE, "-tables " + tables + ": table names separated by commas");
        }
        return loop(NodeClient.from(args, io), tables, wait, args.has("json"), io,
                d -> Thread.sleep(d.toMillis()), args.has("once") ? 1 : 0);
    }

    /**
     * Watches until {@code limit} changes were printed (0: until the process is stopped). Once the node has
     * answered, a lost connection or a 5xx (a restart, a leader change) is retried with the same index, backing
     * off from 1 s to 10 s: the node answers at once if it cannot tell what changed since, so nothing is missed.
     * Before the first answer, and on 401, 403 or 404, the command exits (a wrong -H or flag fails fast).
     */
    static int loop(NodeClient node, String tables, Duration wait, boolean json, CliIo io, Pause pause, int limit)
            throws CliException {
        long index = -1;
        int printed = 0;
        int failures = 0;
        while (true) {
            NodeClient.Answer r;
            try {
                r = call(node, tables, wait, Math.max(index, 0));
                failures = 0;
            } catch (CliException e) {
                if (index < 0 || e.exitCode() != Exit.UNREACHABLE) {
                    throw e;
                }
                io.err().println("raftlite watch: " + e.getMessage() + (failures == 0 ? "; retrying" : ""));
                pauseFor(Duration.ofSeconds(Math.min(10, 1L << Math.min(failures++, 4))), pause);
                continue;
            }
            if (r.status() == 404) {
                throw new CliException(Exit.UNREACHABLE, node.base() + " has no /db/watch (a raftlite older than watch?)");
            }
            if (r.status() == 503) {
                pauseFor(retryAfter(r), pause);
                continue;
            }
            Map<?, ?> answer = ResultTable.parse(r.body());
            List<?> changed = answer.get("tables") instanceof List<?> l ? l : List.of();
            boolean first = index < 0;
            index = answer.get("index") instanceof Number n ? n.longValue() : Math.max(index, 0);
            if (index == 0) {
                pauseFor(DEFAULT_RETRY, pause); // a node with an empty log answers index 0 at once: do not spin
            }
            if (first || changed.isEmpty()) {
                continue;
            }
            io.out().println(json ? new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).strip()
                    : index + " " + changed.stream().map(ResultTable::cell).collect(Collectors.joining(",")));
            io.out().flush();
            if (++printed == limit) {
                return Exit.OK;
            }
        }
    }

    /** One long poll; 503 and 404 are returned, other statuses but 2xx are {@link CliException}s. */
    private static NodeClient.Answer call(NodeClient node, String tables, Duration wait, long index) throws CliException {
        String query = "/db/watch?index=" + index + "&wait=" + Math.max(1, wait.toSeconds()) + "s"
                + (tables.isEmpty() ? "" : "&tables=" + tables);
        NodeClient.Answer r = node.exchange("GET", query, null, null, wait.plusSeconds(15));
        if (r.status() != 503 && r.status() != 404) {
            NodeClient.check(r.status(), r.body());
        }
        return r;
    }

    private static Duration retryAfter(NodeClient.Answer r) {
        try {
            long seconds = Long.parseLong(r.retryAfter() == null ? "" : r.retryAfter().strip());
            return seconds > 0 && seconds < 3600 ? Duration.ofSeconds(seconds) : DEFAULT_RETRY;
        } catch (NumberFormatException e) {
            return DEFAULT_RETRY;
        }
    }

    private static void pauseFor(Duration d, Pause pause) throws CliException {
        try {
            pause.pause(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(Exit.UNREACHABLE, "interrupted");
        }
    }
}

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

    /** Watches until {@code limit} changes were printed (0: until the process is stopped). */
    static int loop(NodeClient node, String tables, Duration wait, boolean json, CliIo io, Pause pause, int limit)
            throws CliException {
        long index = 0;
        int printed = 0;
        while (true) {
            String query = "/db/watch?index=" + index + "&wait=" + Math.max(1, wait.toSeconds()) + "s"
                    + (tables.isEmpty() ? "" : "&tables=" + tables);
            NodeClient.Answer r = node.exchange("GET", query, null, null, wait.plusSeconds(15));
            if (r.status() == 503) {
                pauseFor(retryAfter(r), pause);
                continue;
            }
            if (r.status() == 404) {
                throw new CliException(Exit.UNREACHABLE, node.base() + " has no /db/watch (a raftlite older than watch?)");
            }
            NodeClient.check(r.status(), r.body());
            Map<?, ?> answer = ResultTable.parse(r.body());
            List<?> changed = answer.get("tables") instanceof List<?> l ? l : List.of();
            boolean first = index == 0;
            index = answer.get("index") instanceof Number n ? n.longValue() : index;
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

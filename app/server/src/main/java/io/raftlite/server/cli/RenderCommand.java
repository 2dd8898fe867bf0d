package io.raftlite.server.cli;

import io.raftlite.server.config.Setting;
import io.raftlite.server.config.SettingsResolver;
import io.raftlite.server.config.UsageException;
import io.raftlite.server.render.PollingTableChanges;
import io.raftlite.server.render.RenderService;
import io.raftlite.server.render.RenderSpec;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code raftlite render -config FILE [-once]}: the {@code render} list of FILE (a raftlite.yml, or a YAML file
 * with a {@code render} list) rendered from a node's HTTP API; with {@code -once} every entry once, otherwise
 * until stopped, re-rendering after changes (the fallback feed: the applied index of {@code /status}, once a
 * second). The in-sidecar {@code render} block does the same without HTTP.
 */
final class RenderCommand {

    private static final Duration POLL = Duration.ofSeconds(1);

    private RenderCommand() {
    }

    static int run(CliArgs args, CliIo io) throws CliException {
        args.only("render", Set.of("config", "once"));
        String file = args.get("config", "");
        if (file.isBlank()) {
            throw new CliException(Exit.USAGE, "render needs -config FILE (a raftlite.yml or a file with a render list)");
        }
        List<RenderSpec> specs;
        try {
            specs = SettingsResolver.render(Map.of(Setting.RENDER, file));
        } catch (UsageException e) {
            throw new CliException(Exit.USAGE, e.getMessage());
        }
        if (specs.isEmpty()) {
            throw new CliException(Exit.USAGE, file + " has no render entries");
        }
        NodeClient node = NodeClient.from(args, io);
        HttpRenderSource source = new HttpRenderSource(node, specs.get(0).freshness());
        if (args.has("once")) {
            try (RenderService service = new RenderService(specs, source, null, POLL, (n, r) -> { })) {
                boolean ok = service.renderOnce();
                service.status().forEach(s -> io.out().println(s.get("destination") + ": "
                        + (String.valueOf(s.get("last_error")).isEmpty() ? "ok" : s.get("last_error"))));
                return ok ? Exit.OK : Exit.SQL_ERROR;
            }
        }
        PollingTableChanges changes = new PollingTableChanges(source::appliedIndex, POLL);
        RenderService service = new RenderService(specs, source, changes, POLL, (n, r) -> { }).onClose(changes);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }));
        service.start();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Exit.OK;
    }
}

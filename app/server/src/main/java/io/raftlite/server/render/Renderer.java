package io.raftlite.server.render;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/** One {@link RenderSpec}: evaluates its template, validates, writes and reloads; keeps its last outcome. */
final class Renderer {

    /** What one attempt did; the names are the {@code result} tag of the render metric. */
    enum Result { WRITTEN, UNCHANGED, CHECK_FAILED, STALE, FAILED }

    private static final Logger LOG = LoggerFactory.getLogger(Renderer.class);

    private final RenderSpec spec;
    private final RenderSource source;
    private final SqlTemplate templates;
    private final BiConsumer<String, Result> onResult;
    private volatile Instant lastRender;
    private volatile String lastError;
    private volatile Integer lastReloadExit;
    private volatile Set<String> tables;

    /** @param onResult told the destination and result of every attempt (metrics) */
    Renderer(RenderSpec spec, RenderSource source, SqlTemplate templates, BiConsumer<String, Result> onResult) {
        this.spec = spec;
        this.source = source;
        this.templates = templates;
        this.onResult = onResult;
    }

    RenderSpec spec() {
        return spec;
    }

    /** The tables the last evaluation read; null before the first one or when unknown (any change counts). */
    Set<String> tables() {
        return tables;
    }

    Result render() {
        Result r = attempt();
        onResult.accept(spec.name(), r);
        return r;
    }

    private Result attempt() {
        String stale = source.staleReason(spec.freshness());
        if (stale != null) {
            lastError = "not rendered: " + stale;
            return Result.STALE;
        }
        byte[] content;
        try {
            SqlTemplate.Output out = templates.evaluate(Files.readString(spec.template()), source);
            tables = out.tables();
            content = out.text().getBytes(StandardCharsets.UTF_8);
            if (AtomicFile.same(spec.destination(), content)) {
                lastRender = Instant.now();
                lastError = null;
                return Result.UNCHANGED;
            }
            Path tmp = AtomicFile.stage(spec.destination(), content);
            if (!spec.checkCommand().isEmpty()) {
                Commands.Outcome check = Commands.run(Commands.withFile(spec.checkCommand(), tmp), spec.timeout());
                if (!check.ok()) {
                    Files.deleteIfExists(tmp);
                    return failed(Result.CHECK_FAILED, "check_command exited " + check.exitCode()
                            + ", old file kept: " + check.output());
                }
            }
            AtomicFile.commit(tmp, spec.destination(), spec.perms(), spec.owner());
        } catch (IOException | IllegalStateException | UnsupportedOperationException e) {
            return failed(Result.FAILED, e.getMessage());
        }
        lastRender = Instant.now();
        lastError = null;
        LOG.info("render {}: written ({} bytes)", spec.name(), content.length);
        reload();
        return Result.WRITTEN;
    }

    private void reload() {
        if (spec.reloadCommand().isEmpty()) {
            return;
        }
        Commands.Outcome reload = Commands.run(spec.reloadCommand(), spec.timeout());
        lastReloadExit = reload.exitCode();
        if (!reload.ok()) {
            lastError = "reload_command exited " + reload.exitCode() + ": " + reload.output();
            LOG.warn("render {}: {}", spec.name(), lastError);
        }
    }

    private Result failed(Result r, String why) {
        lastError = why;
        LOG.warn("render {}: {}", spec.name(), why);
        return r;
    }

    /** This entry's part of {@code /status}. */
    Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("template", spec.template().toString());
        m.put("destination", spec.name());
        Instant at = lastRender;
        m.put("last_render", at == null ? "" : at.toString());
        m.put("last_error", lastError == null ? "" : lastError);
        m.put("last_reload_exit_code", lastReloadExit);
        Set<String> t = tables;
        m.put("tables", t == null ? null : t.stream().sorted().toList());
        return m;
    }
}

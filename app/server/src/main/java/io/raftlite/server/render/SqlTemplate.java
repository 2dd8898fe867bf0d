package io.raftlite.server.render;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.extension.Function;
import io.pebbletemplates.pebble.loader.StringLoader;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import io.raftlite.core.command.QueryResult;
import io.raftlite.core.command.Statement;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pebble templates whose {@code query(sql, arg...)} function runs a read on this node and returns its rows as
 * a list of column-name maps: {@code {% for r in query("SELECT k, v FROM settings WHERE env = ?", "prod") %}}.
 * Output is not escaped (the files are configuration, not HTML); Pebble's default blocks method calls on
 * Java objects, so a template can only read what {@code query} returns.
 */
final class SqlTemplate {

    /** What one evaluation produced: the text and the tables its queries read (null: unknown, so any). */
    record Output(String text, Set<String> tables) {
    }

    private static final ThreadLocal<Evaluation> CURRENT = new ThreadLocal<>();

    private record Evaluation(RenderSource source, Set<String> tables, boolean[] unknown) {
    }

    private final PebbleEngine engine = new PebbleEngine.Builder()
            .loader(new StringLoader())
            .autoEscaping(false)
            .strictVariables(true)
            .cacheActive(false)
            .newLineTrimming(false) // what is written is what comes out; {%- -%} trim where wanted
            .extension(new AbstractExtension() {
                @Override
                public Map<String, Function> getFunctions() {
                    return Map.of("query", new QueryFunction());
                }
            })
            .build();

    /**
     * @throws IllegalStateException with a message for the log and /status when the template does not parse,
     *                               names an unknown variable or runs a failing query
     */
    Output evaluate(String template, RenderSource source) {
        Evaluation ev = new Evaluation(source, new HashSet<>(), new boolean[1]);
        CURRENT.set(ev);
        try {
            PebbleTemplate compiled = engine.getTemplate(template);
            StringWriter out = new StringWriter();
            compiled.evaluate(out);
            return new Output(out.toString(), ev.unknown()[0] ? null : Set.copyOf(ev.tables()));
        } catch (PebbleException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("template output: " + e.getMessage(), e);
        } finally {
            CURRENT.remove();
        }
    }

    private static final class QueryFunction implements Function {

        @Override
        public List<String> getArgumentNames() {
            return null; // positional: "0" is the SQL, "1".. its parameters
        }

        @Override
        public Object execute(Map<String, Object> args, PebbleTemplate self, EvaluationContext context, int line) {
            Evaluation ev = CURRENT.get();
            Object sql = args.get("0");
            if (!(sql instanceof String text) || text.isBlank()) {
                throw new PebbleException(null, "query needs the SQL text as its first argument", line,
                        self.getName());
            }
            List<Object> params = new ArrayList<>();
            for (int i = 1; args.containsKey(String.valueOf(i)); i++) {
                params.add(parameter(args.get(String.valueOf(i))));
            }
            Set<String> read = TemplateTables.of(text);
            if (read == null) {
                ev.unknown()[0] = true;
            } else {
                ev.tables().addAll(read);
            }
            QueryResult result;
            try {
                result = ev.source().query(new Statement(text, params, Map.of()));
            } catch (IllegalStateException e) {
                throw new PebbleException(null, "query failed: " + e.getMessage(), line, self.getName());
            }
            List<Map<String, Object>> rows = new ArrayList<>(result.rows().size());
            for (List<Object> row : result.rows()) {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int c = 0; c < result.columns().size(); c++) {
                    m.put(result.columns().get(c), row.get(c));
                }
                rows.add(m);
            }
            return rows;
        }

        private static Object parameter(Object v) {
            return v instanceof Integer i ? Long.valueOf(i) : v;
        }
    }
}

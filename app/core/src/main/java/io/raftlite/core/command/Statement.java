package io.raftlite.core.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One SQL statement as a client sent it, with either positional ({@code ?}) or named ({@code :name})
 * parameters. Named keys are stored without their prefix, as rqlite's clients send them.
 *
 * <p>Parameter values are {@code null}, {@link Long}, {@link Double}, {@link Boolean}, {@link String}
 * or {@code byte[]}.
 */
public record Statement(String sql, List<Object> positional, Map<String, Object> named) {

    public Statement {
        Objects.requireNonNull(sql, "sql");
        // List.copyOf/Map.copyOf refuse null elements, and SQL NULL is a legitimate parameter.
        // No copy of an empty list or map: a request may hold 100,000 statements without parameters.
        positional = positional == null || positional.isEmpty() ? List.of()
                : Collections.unmodifiableList(new ArrayList<>(positional));
        named = named == null || named.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(named));
        if (!positional.isEmpty() && !named.isEmpty()) {
            throw new IllegalArgumentException("a statement takes positional or named parameters, not both");
        }
    }

    public static Statement of(String sql) {
        return new Statement(sql, List.of(), Map.of());
    }

    public static Statement of(String sql, Object... positional) {
        return new Statement(sql, java.util.Arrays.asList(positional), Map.of());
    }

    public boolean hasParameters() {
        return !positional.isEmpty() || !named.isEmpty();
    }
}

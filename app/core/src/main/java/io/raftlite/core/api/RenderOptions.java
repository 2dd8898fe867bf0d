package io.raftlite.core.api;

/**
 * How to render a {@link Response}.
 *
 * @param unified true for {@code /db/request}: with {@code associative}, execute results carry {@code "rows":null}
 */
public record RenderOptions(boolean pretty, boolean timings, boolean associative, boolean blobArray, boolean unified) {

    public static RenderOptions of(QueryParams p, boolean unified) {
        return new RenderOptions(p.pretty(), p.timings(), p.associative(), p.blobArray(), unified);
    }
}

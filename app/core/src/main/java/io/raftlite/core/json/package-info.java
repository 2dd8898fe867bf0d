/**
 * JSON without a framework, so that raftlite controls every byte it reads and writes.
 *
 * <p>{@link io.raftlite.core.json.StrictJson} is the one JSON reader: jackson-core's streaming parser made
 * strict and bounded, for untrusted request bodies, which callers walk token by token and build only what
 * they keep; {@link io.raftlite.core.json.Json#parse} builds a tree from it for small documents.
 * {@link io.raftlite.core.json.Json#write} reproduces Go's {@code encoding/json} output, because rqlite's
 * clients (and its tests) compare response bytes; Jackson's writer does not.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Reading throws nothing but {@link io.raftlite.core.json.JsonException}, whatever the bytes:
 *       input must be strictly valid UTF-8 (no overlong forms, no encoded surrogates), without a byte order
 *       mark (Go refuses one too), with no data after the value, nested no deeper than the caller's limit
 *       (64 for {@code parse}).</li>
 *   <li>Allocation is bounded before it happens: numbers longer than 1,000 digits and strings longer than
 *       8 MiB chars are refused as they are read, {@code parse} refuses more than 100,000 values, and
 *       nothing (no symbol table, no recycled buffer) outlives one document.</li>
 *   <li>A {@code \\u} escape of a lone surrogate is refused (Go would turn it into U+FFFD): such a string has
 *       no UTF-8 form and would otherwise be silently changed on its way into SQLite.</li>
 *   <li>Parsed numbers: integral literals that fit a long are {@code Long}; all others {@code Double}; a
 *       literal beyond the double range is refused.</li>
 *   <li>{@code write} output is what Go's {@code json.Marshal} gives for the same value (Go 1.22+ escaping:
 *       {@code < > &} as {@code \\u003c \\u003e \\u0026}, U+2028/U+2029 escaped, {@code \\b \\f} short
 *       forms), with floats formatted by {@link io.raftlite.core.json.GoFloat}; {@code pretty} matches
 *       {@code json.MarshalIndent(v, "", "    ")}. Maps keep their iteration order (Go sorts map keys, so
 *       callers that imitate a Go map sort first).</li>
 *   <li>NaN and infinities, which Go refuses to encode, are written as {@code null} rather than failing a
 *       response; lone surrogates in Java strings are written as {@code \\ufffd}.</li>
 * </ul>
 */
package io.raftlite.core.json;

/**
 * rqlite's HTTP data API formats, as plain Java: request bodies ({@link io.raftlite.core.api.RequestParser}),
 * query-string parameters ({@link io.raftlite.core.api.QueryParams}, {@link io.raftlite.core.api.GoDuration})
 * and response JSON ({@link io.raftlite.core.api.ResponseWriter}). The server's controllers call these; no
 * HTTP framework is involved here, so every rule is unit-testable.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Whatever a client sends, parsing ends in a value or in a {@link io.raftlite.core.api.BadRequestException}
 *       (400, short plain-text reason, rqlite's own words where rqlite has them: {@code invalid JSON body},
 *       {@code invalid request}, {@code no statements}, {@code unsupported type},
 *       {@code <k> is not a valid duration}, ...). Never another exception, so never a 5xx.</li>
 *   <li>Stricter than rqlite, on purpose: an unknown query parameter name is a 400
 *       ({@code unknown query parameter: <name>}) where rqlite ignores it, so a typo such as {@code ?timing}
 *       is not silently a different request; a body that is not strictly valid UTF-8 (or JSON with a
 *       BOM or a lone surrogate escape) is a 400 where Go would substitute U+FFFD; one statement cannot mix
 *       positional and named parameters (our {@code Statement} model keeps them apart); an empty body is
 *       {@code no statements}.</li>
 *   <li>Memory never depends on the body beyond fixed bounds: {@code RequestParser} streams the JSON
 *       ({@link io.raftlite.core.json.StrictJson}), stops building at the first token that does not fit
 *       rqlite's format, and refuses a body past {@link io.raftlite.core.api.RequestLimits} with a 400 that
 *       names the bound. A wrongly shaped body that is also invalid JSON further on is
 *       {@code invalid JSON body}, as in rqlite, which reads the JSON first.</li>
 *   <li>Response bytes equal what rqlite's Go code produces for the same results: key order of rqlite's
 *       structs, Go's {@code omitempty} (zero ids/counts/times, empty lists and empty strings left out;
 *       {@code CREATE TABLE} gives {@code {}}), sorted keys where rqlite uses a Go map (associative
 *       {@code types} and rows), Go's float format, {@code pretty} = {@code json.MarshalIndent(.., "", "    ")}.
 *       {@code time} appears only with {@code timings}.</li>
 *   <li>Known difference: rqlite renders a failed statement on {@code /db/query?associative} as
 *       {@code {"rows":[],"error":..}}; we render {@code {"error":..}} as on the other endpoints, because a
 *       {@link io.raftlite.core.api.RenderOptions} does not say which endpoint it is for.</li>
 * </ul>
 */
package io.raftlite.core.api;
